// StreetSafe "mark it on the map": the place is always the map's centre, under the cross, so a
// keyboard user moves the map with the arrow keys (+ and - zoom) and a mouse user clicks to
// move it there. Tiles come from the tile server setting; without one, the map names the towns
// of Candour's gazetteer so it is still usable. The form works without this script (the
// search and the list of places), and the map section stays hidden when scripts do not run.
const L = window.L;
const element = document.getElementById("map");
const NEEDED_ZOOM = 13;

if (L && element) {
  const map = L.map(element, { keyboard: true, zoomControl: true }).setView([53.0, -1.8], 6);
  const tiles = element.dataset.tileUrl;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 19, attribution: element.dataset.tileAttribution || "" }).addTo(map);
  }
  const names = L.layerGroup().addTo(map);
  const status = document.getElementById("map-status");
  const form = document.getElementById("map-form");

  async function showPlaces() {
    if (tiles) return;
    const b = map.getBounds();
    const bbox = [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()].map((v) => v.toFixed(4)).join(",");
    try {
      const response = await fetch(`${element.dataset.placesUrl}?bbox=${bbox}`);
      const data = await response.json();
      names.clearLayers();
      for (const place of data.places) {
        L.marker([place.lat, place.lng], {
          keyboard: false,
          interactive: false,
          icon: L.divIcon({ className: "candour-map-place", html: "", iconSize: null }),
        })
          .bindTooltip(place.name, { permanent: true, direction: "center", className: "candour-map-place" })
          .addTo(names);
      }
    } catch (error) {
      names.clearLayers();
    }
  }

  function describe() {
    const zoom = map.getZoom();
    status.textContent =
      zoom < NEEDED_ZOOM
        ? `Zoom in ${NEEDED_ZOOM - zoom} more ${NEEDED_ZOOM - zoom === 1 ? "step" : "steps"} to see streets.`
        : "The cross is on the place that will be used.";
  }

  map.on("click", (event) => map.panTo(event.latlng));
  map.on("moveend", () => {
    showPlaces();
    describe();
  });
  showPlaces();
  describe();

  form.addEventListener("submit", () => {
    const centre = map.getCenter();
    form.querySelector("[name=latitude]").value = centre.lat.toFixed(6);
    form.querySelector("[name=longitude]").value = centre.lng.toFixed(6);
    form.querySelector("[name=zoom]").value = String(map.getZoom());
  });
}
