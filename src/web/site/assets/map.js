// Coverage map (/map): the shipped country outline as the base layer and the coverage grid on
// top, drawn from /map/grid/{z}/{x}/{y}.json onto canvas tiles. Plain script, no build step;
// Leaflet is loaded before it (/static/vendor/leaflet/leaflet.js).
(() => {
  const el = document.getElementById('map');
  if (!el || typeof L === 'undefined') return;

  // The view is kept in the address (#map=zoom/lat/lon, as openstreetmap.org does) so it can be shared.
  const fromHash = /^#map=(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)$/.exec(location.hash);
  const map = L.map(el, {
    center: fromHash ? [Number(fromHash[2]), Number(fromHash[3])] : [30, 10],
    zoom: fromHash ? Number(fromHash[1]) : el.clientWidth < 600 ? 1 : 2,
    minZoom: 1,
    maxZoom: 16,
    worldCopyJump: false,
    maxBounds: [
      [-85, -200],
      [85, 200],
    ],
    maxBoundsViscosity: 0.8,
  });
  map.on('moveend', () => {
    const c = map.getCenter();
    const digits = Math.max(2, Math.ceil(Math.log10(2 ** map.getZoom())));
    history.replaceState(null, '', `#map=${map.getZoom()}/${c.lat.toFixed(digits)}/${c.lng.toFixed(digits)}`);
    el.dataset.zoom = String(map.getZoom());
  });
  el.dataset.zoom = String(map.getZoom());
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  map.attributionControl.addAttribution('Outlines: Natural Earth');

  // Base layer: the outline, one SVG path per region.
  fetch(el.dataset.outline)
    .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`outline: HTTP ${res.status}`))))
    .then((geojson) => {
      L.geoJSON(geojson, {
        interactive: false,
        style: () => ({ className: 'land', color: '#9aa79f', weight: 0.8, fillColor: '#f4f1ea', fillOpacity: 1 }),
      }).addTo(map);
      el.dataset.outlineFeatures = String(geojson.features.length);
      el.classList.add('outline-loaded');
    })
    .catch((err) => console.warn(err.message));

  // Coverage squares: more cells in a square ⇒ darker (log scale of how full it is).
  const shade = (count, step) => {
    const full = Math.min(1, Math.log1p(count) / Math.log1p(step * step));
    return `rgba(11, 110, 79, ${(0.6 + 0.4 * full).toFixed(2)})`;
  };

  const Coverage = L.GridLayer.extend({
    createTile(coords, done) {
      const tile = L.DomUtil.create('canvas', 'coverage-tile');
      const size = this.getTileSize();
      tile.width = size.x;
      tile.height = size.y;
      const url = L.Util.template(el.dataset.grid, coords);
      fetch(url)
        .then((res) => (res.ok ? res.json() : Promise.reject(new Error(`grid: HTTP ${res.status}`))))
        .then((data) => {
          const ctx = tile.getContext('2d');
          const origin = coords.scaleBy(size);
          const unit = data.step / 1000;
          for (const [lat, lon, count] of data.cells) {
            // Grid values are lat/lon × 1000 rounded, so a 1/1000° cell is centred on its value.
            const half = data.step === 1 ? 0.0005 : 0;
            const sw = map.project([lat / 1000 - half, lon / 1000 - half], coords.z).subtract(origin);
            const ne = map.project([lat / 1000 - half + unit, lon / 1000 - half + unit], coords.z).subtract(origin);
            // At least 3 px, so a lone cell stays visible at world zoom.
            const w = Math.max(3, ne.x - sw.x);
            const h = Math.max(3, sw.y - ne.y);
            ctx.fillStyle = shade(count, data.step);
            ctx.fillRect(sw.x, sw.y - h, w, h);
          }
          tile.dataset.cells = String(data.cells.length);
          done(null, tile);
        })
        .catch((err) => done(err, tile));
      return tile;
    },
  });
  // Leaflet puts tile layers below vector overlays (the opaque outline): the grid gets a pane above it.
  map.createPane('coverage').style.zIndex = '450';
  new Coverage({ pane: 'coverage', noWrap: true, bounds: [[-85.06, -180], [85.06, 180]], className: 'coverage-layer' }).addTo(map);
})();
