// `npm run dashboard`: writes ops/grafana-dashboard.json from the shared queries. `npm test`'s
// config check fails when the committed file is not what this writes.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { DASHBOARD_FILE, dashboardJson } from "./lib/grafana-dashboard.ts";

const file = path.resolve(import.meta.dirname, "..", DASHBOARD_FILE);
writeFileSync(file, dashboardJson());
console.log(`wrote ${DASHBOARD_FILE}`);
