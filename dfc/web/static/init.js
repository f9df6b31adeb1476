// Enhancements only: every page works without this script.
import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()

// A part of the page marked data-app-refresh="<seconds>" (an import's progress) is fetched
// again until the server stops marking it, and swapped in place; its aria-live region
// tells screen reader users what changed. Without script, a link refreshes the page.
for (const region of document.querySelectorAll('[data-app-refresh]')) {
  const seconds = Number(region.dataset.appRefresh) || 3
  const refresh = async () => {
    const response = await fetch(window.location.href, { headers: { Accept: 'text/html' } })
    if (!response.ok) return
    const page = new DOMParser().parseFromString(await response.text(), 'text/html')
    const fresh = page.getElementById(region.id)
    if (!fresh) return
    region.innerHTML = fresh.innerHTML
    if (fresh.hasAttribute('data-app-refresh')) window.setTimeout(refresh, seconds * 1000)
  }
  window.setTimeout(refresh, seconds * 1000)
}
