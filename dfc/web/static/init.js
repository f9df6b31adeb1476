// Enhancements only: every page works without this script.
import { initAll } from '/static/govuk/govuk-frontend.min.js'
initAll()
