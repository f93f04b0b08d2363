// The police hotspot map: each published area as its hexagon, numbered by rank, linking to the
// area's page. The same areas are in the table beside it, so the page works without the map.
const L = window.L;
const element = document.getElementById("hotspot-map");

if (L && element) {
  const areas = JSON.parse(document.getElementById(element.dataset.source).textContent);
  const map = L.map(element, { keyboard: true });
  if (element.dataset.tileUrl) {
    L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 19,
      attribution: element.dataset.tileAttribution || "",
    }).addTo(map);
  }
  const shapes = L.featureGroup().addTo(map);
  for (const area of areas) {
    L.polygon(area.boundary, { color: "#d4351c", weight: 2, fillOpacity: 0.35 })
      .bindTooltip(`${area.rank}. Near ${area.place}: ${area.reports} reports`)
      .on("click", () => window.location.assign(area.url))
      .addTo(shapes);
  }
  if (areas.length) {
    map.fitBounds(shapes.getBounds(), { padding: [20, 20], maxZoom: 15 });
  }
}
