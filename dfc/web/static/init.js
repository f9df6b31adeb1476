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

// On a phone a table of three or more columns becomes a card for each row (app.css,
// .app-table--stacked): CSS cannot read a column's heading, so each cell is given it here.
// Without script such a table scrolls inside its own box instead; the page never does.
for (const table of document.querySelectorAll('main table.govuk-table')) {
  const headings = table.tHead && table.tHead.rows.length ? [...table.tHead.rows[0].cells] : []
  if (headings.length < 3) continue
  const names = headings.map((heading) => {
    const copy = heading.cloneNode(true)
    for (const hidden of copy.querySelectorAll('.govuk-visually-hidden')) hidden.remove()
    return copy.textContent.replace(/\s+/g, ' ').trim()
  })
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      let column = 0
      for (const cell of row.cells) {
        if (cell.colSpan === 1 && names[column]) cell.dataset.label = names[column]
        column += cell.colSpan
      }
    }
  }
  table.classList.add('app-table--stacked')
}
