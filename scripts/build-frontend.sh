#!/usr/bin/env bash
# Build Candour's front-end static files from the npm packages pinned in package-lock.json.
#
#   bash scripts/build-frontend.sh      (from the repository root; safe to run again)
#
# Installs node_modules with `npm ci` when it is missing or older than package-lock.json, then
# copies the compiled GOV.UK Frontend and Chart.js files into candour/static/govuk/ and
# candour/static/vendor/. Both folders are git-ignored: they are rebuilt at install time, never
# committed, and nothing is fetched from a CDN at run time. See docs/frontend.md.
set -euo pipefail

cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null 2>&1; then
    echo "build-frontend: npm is not installed. Install Node.js 20 or later (with npm), then run this again." >&2
    exit 1
fi

# `npm ci` only when needed: the marker npm writes inside node_modules is older than the lock file,
# or node_modules is missing. --include=dev keeps axe-core (browser tests) even if NODE_ENV=production.
marker=node_modules/.package-lock.json
if [[ ! -d node_modules || ! -f "$marker" || package-lock.json -nt "$marker" ]]; then
    npm ci --no-audit --no-fund --include=dev
fi

govuk_src=node_modules/govuk-frontend/dist/govuk
govuk_out=candour/static/govuk
vendor_out=candour/static/vendor

for required in "$govuk_src/govuk-frontend.min.css" "$govuk_src/govuk-frontend.min.js" \
    "$govuk_src/assets" node_modules/chart.js/dist/chart.umd.js node_modules/leaflet/dist/leaflet.js; do
    if [[ ! -e "$required" ]]; then
        echo "build-frontend: $required is missing; the npm package layout may have changed." \
            "Check package.json versions, or delete node_modules and run this again." >&2
        exit 1
    fi
done

# Start from empty folders so files dropped by a package upgrade do not linger.
rm -rf "$govuk_out" "$vendor_out"
mkdir -p "$govuk_out" "$vendor_out"

# The source maps are copied too: Django's manifest storage (collectstatic in production)
# follows each sourceMappingURL comment and fails if the map it names is missing.
cp "$govuk_src/govuk-frontend.min.css" "$govuk_src/govuk-frontend.min.css.map" \
    "$govuk_src/govuk-frontend.min.js" "$govuk_src/govuk-frontend.min.js.map" "$govuk_out/"
# Images and the icon manifest only. The GDS Transport font is left out: its licence notice says
# it "has been customised for exclusive use on gov.uk", and Candour is not served from gov.uk.
# Text falls back to the rest of GOV.UK Frontend's font stack (Arial, then sans-serif).
mkdir -p "$govuk_out/assets"
cp -R "$govuk_src/assets/images" "$govuk_out/assets/images"
cp "$govuk_src/assets/manifest.json" "$govuk_out/assets/manifest.json"

# The compiled CSS asks for its images (and fonts) at the site root (url(/assets/...)). Make the
# URLs relative to the CSS file, so they resolve under any STATIC_URL and the manifest storage
# can fingerprint them.
# The font's @font-face rules and notice go too (see above), so browsers never ask for it.
sed -i.bak -e 's#url(/assets/#url(assets/#g' \
    -e 's#/\*! Copyright (c) 2011 by Margaret Calvert[^*]*\*/##g' \
    -e 's#@font-face{font-family:GDS Transport;[^}]*}##g' "$govuk_out/govuk-frontend.min.css"
rm "$govuk_out/govuk-frontend.min.css.bak"
if grep -q -e '@font-face' -e 'assets/fonts/' "$govuk_out/govuk-frontend.min.css"; then
    echo "build-frontend: could not remove the GDS Transport @font-face rules from govuk-frontend.min.css;" \
        "its minified form may have changed. Update the sed patterns in this script." >&2
    exit 1
fi
if grep -q 'url(/assets/' "$govuk_out/govuk-frontend.min.css"; then
    echo "build-frontend: some url(/assets/...) references in govuk-frontend.min.css were not rewritten." >&2
    exit 1
fi
# Every asset the CSS names must exist beside it.
grep -o 'url([^)]*)' "$govuk_out/govuk-frontend.min.css" | sed 's/^url(//; s/)$//; s/["'\'']//g' |
    sort -u | while read -r asset; do
        if [[ ! -f "$govuk_out/$asset" ]]; then
            echo "build-frontend: govuk-frontend.min.css refers to $asset, which is not in $govuk_out." >&2
            exit 1
        fi
    done

cp node_modules/chart.js/dist/chart.umd.js node_modules/chart.js/dist/chart.umd.js.map "$vendor_out/"
cp node_modules/chart.js/LICENSE.md "$vendor_out/chart.js-LICENSE.md"
# Leaflet for StreetSafe's maps: the script, its stylesheet and marker images (its CSS names them
# relative to itself), and its licence.
mkdir -p "$vendor_out/leaflet"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.js.map \
    node_modules/leaflet/dist/leaflet.css "$vendor_out/leaflet/"
cp -R node_modules/leaflet/dist/images "$vendor_out/leaflet/images"
cp node_modules/leaflet/LICENSE "$vendor_out/leaflet/LICENSE"

echo "build-frontend: GOV.UK Frontend $(node -p 'require("./node_modules/govuk-frontend/package.json").version')" \
    "and Chart.js $(node -p 'require("./node_modules/chart.js/package.json").version')" \
    "and Leaflet $(node -p 'require("./node_modules/leaflet/package.json").version')" \
    "copied into $govuk_out and $vendor_out."
