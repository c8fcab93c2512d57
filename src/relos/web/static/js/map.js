/* relos map: an offline basemap (world-atlas TopoJSON), facilities, deployments with
 * APP-6 symbols (milsymbol) and planned routes. Everything it loads comes from this
 * server; data URLs arrive in data-* attributes, so no script is inline. */
(function () {
  "use strict";

  var KIND_COLOUR = { port: "#0b5cad", airfield: "#7a3db8", training_range: "#b35c00", airspace: "#b35c00" };
  // Letter SIDCs (MIL-STD-2525C / APP-6(B)): sea-surface combatant, fixed-wing military aircraft, infantry.
  var SIDC = { warship: "S*SPC-----", aircraft: "S*APMF----", personnel: "S*GPUCI---" };

  function status(root, text) {
    var el = root.parentNode.querySelector("[data-map-status]");
    if (el) { el.textContent = text; }
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) { throw new Error(url + ": " + r.status); }
        return r.json();
      });
  }

  // A ring that crosses the antimeridian jumps from +180° to -180° between two points;
  // drawn as it is, it becomes a stripe across the whole world (Chukotka, Fiji) that also
  // covers the seas at its latitude (the Barents Sea at Murmansk). Unwrap each ring so it
  // runs on past 180°; a ring that then ends a whole turn away from where it started
  // (Antarctica, which circles the pole) is left as it was.
  function unwrapRing(ring) {
    var out = [ring[0].slice()];
    for (var i = 1; i < ring.length; i++) {
      out.push([near(ring[i][0], out[i - 1][0]), ring[i][1]]);
    }
    var first = out[0], last = out[out.length - 1];
    return Math.abs(last[0] - first[0]) > 180 ? ring : out;
  }

  // The rings of a polygon, unwrapped; a polygon reaching past 180° also gets a copy one
  // turn west, so both halves of it are on the map (the map draws land at 0° and +360°).
  function fixPolygon(rings) {
    var fixed = rings.map(unwrapRing);
    var east = fixed[0].some(function (c) { return c[0] > 180; });
    var copies = [fixed];
    if (east) {
      copies.push(fixed.map(function (ring) {
        return ring.map(function (c) { return [c[0] - 360, c[1]]; });
      }));
    }
    return copies;
  }

  function fixGeometry(geometry) {
    if (!geometry) { return geometry; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : null;
    if (!polygons) { return geometry; }
    var out = [];
    polygons.forEach(function (rings) { out = out.concat(fixPolygon(rings)); });
    return { type: "MultiPolygon", coordinates: out };
  }

  function basemap(map, url) {
    return getJSON(url).then(function (topology) {
      var land = topojson.feature(topology, topology.objects.countries);
      land.features.forEach(function (f) { f.geometry = fixGeometry(f.geometry); });
      // Drawn twice, the second copy east of the antimeridian, so Pacific routes and
      // points unwrapped past 180° still have land under them.
      [0, 360].forEach(function (shift) {
        L.geoJSON(land, {
          interactive: false,
          coordsToLatLng: function (c) { return L.latLng(c[1], c[0] + shift); },
          style: { color: "#8a9aa9", weight: 0.6, fillColor: "#f4f1ea", fillOpacity: 1 }
        }).addTo(map);
      });
    });
  }

  // An APP-6 symbol labelled with where it is (field T, unique designation) and, for more
  // than one unit, how many (field C, quantity).
  function symbol(kind, own, planned, label, count, slot) {
    var code = SIDC[kind] || SIDC.personnel;
    code = code.replace("*", own ? "F" : "N");
    if (planned) { code = code.substring(0, 3) + "A" + code.substring(4); }
    var sym = new ms.Symbol(code, {
      size: 20, quantity: count > 1 ? String(count) : "", uniqueDesignation: label
    });
    var size = sym.getSize();
    var anchor = sym.getAnchor();
    return L.divIcon({
      className: "sym-icon",
      html: sym.asSVG(),
      iconSize: [size.width, size.height],
      // Several symbols at one facility sit side by side instead of on top of each other.
      iconAnchor: [anchor.x - slot * (size.width + 4), anchor.y]
    });
  }

  // Symbols close together on the screen become one numbered circle; zooming in or
  // clicking it spreads them out again.
  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var places = [];
    cluster.getAllChildMarkers().forEach(function (m) {
      var place = m.options.place;
      if (place && places.indexOf(place) < 0) { places.push(place); }
    });
    var names = escapeHtml(places.join(", "));
    return L.divIcon({
      className: "sym-cluster",
      html: '<span title="' + names + '">' + n + "</span>",
      iconSize: [34, 34]
    });
  }

  // "Port Name (RUVVO) · berths 6, max draught (m) 12 · F-76, F-44", capacity flagged when illustrative.
  function facilityTip(f, words) {
    var parts = [f.label + " (" + f.id + ")"];
    var cap = f.capacity || {};
    var figures = ["berths", "max_draught_m", "aircraft_stands", "accommodation"]
      .filter(function (k) { return cap[k] !== null && cap[k] !== undefined; })
      .map(function (k) { return (words[k] || k) + " " + cap[k]; });
    if (figures.length) {
      var flagged = (f.illustrative || []).indexOf("capacity") >= 0;
      parts.push(figures.join(", ") + (flagged ? " [" + (words.illustrative || "illustrative") + "]" : ""));
    }
    if ((f.fuel_grades || []).length) { parts.push((words.fuel || "Fuel") + ": " + f.fuel_grades.join(", ")); }
    return parts.map(escapeHtml).join("<br>");
  }

  // Each facility's name in the page's language (data-names: English name -> the reader's
  // form; a name missing there is shown as the reference data gives it).
  function facilitiesLayer(map, list, words, names) {
    var byId = {};
    var layer = L.layerGroup();
    list.forEach(function (f) {
      f.label = names[f.name] || f.name;
      byId[f.id] = f;
      var marker = L.circleMarker([f.lat, f.lon], {
        radius: 5, weight: 1.5, color: "#fff", fillColor: KIND_COLOUR[f.kind] || "#555", fillOpacity: 0.95
      });
      marker.bindTooltip(facilityTip(f, words));
      marker.addTo(layer);
    });
    layer.addTo(map);
    return byId;
  }

  function elementLabel(el) {
    return el.name || el.call_sign || el.type || (el.count ? String(el.count) : "");
  }

  function unitCount(el) {
    return el.kind === "personnel" ? (el.count || 0) : 1;
  }

  // One symbol per facility, kind, side and tense, labelled with how many it stands for;
  // its tooltip lists the deployments behind it.
  function deploymentsLayer(map, deployments, facilities, ownParty) {
    var now = Date.now();
    var groups = {};
    var order = [];
    deployments.forEach(function (d) {
      if (d.status !== "cleared" && d.status !== "pending_host_consent") { return; }
      (d.elements || []).forEach(function (el) {
        var f = facilities[el.facility];
        if (!f || Date.parse(el.end) <= now) { return; }
        var planned = Date.parse(el.start) > now;
        var own = d.deploying_party === ownParty;
        var key = [f.id, el.kind, own, planned].join("|");
        if (!groups[key]) {
          groups[key] = { facility: f, kind: el.kind, own: own, planned: planned, count: 0, titles: [] };
          order.push(key);
        }
        groups[key].count += unitCount(el);
        var title = (d.title || d.id) + ": " + elementLabel(el);
        if (groups[key].titles.indexOf(title) < 0) { groups[key].titles.push(title); }
      });
    });
    var layer = L.markerClusterGroup
      ? L.markerClusterGroup({
        iconCreateFunction: clusterIcon, maxClusterRadius: 36, showCoverageOnHover: false,
        // Zoomed in to a region, every symbol is shown, side by side at its facility.
        disableClusteringAtZoom: 6
      })
      : L.layerGroup();
    var slots = {};
    order.forEach(function (key) {
      var g = groups[key];
      var slot = slots[g.facility.id] || 0;
      slots[g.facility.id] = slot + 1;
      var marker = L.marker([g.facility.lat, g.facility.lon], {
        icon: symbol(g.kind, g.own, g.planned, slot ? "" : g.facility.id, g.count, slot),
        keyboard: true,
        place: g.facility.label,
        title: g.facility.label + " — " + g.titles.join("; ")
      });
      marker.bindTooltip(escapeHtml(g.facility.label) + "<br>" + g.titles.map(escapeHtml).join("<br>"));
      marker.addTo(layer);
    });
    layer.addTo(map);
    return order.length;
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // Longitude nearest to `ref` (±360°), so a line or a set of points never jumps the globe.
  function near(lon, ref) {
    while (lon - ref > 180) { lon -= 360; }
    while (lon - ref < -180) { lon += 360; }
    return lon;
  }

  function routeLayer(map, route, names) {
    var bounds = [];
    var ref = null;
    function unwrap(lon) {
      if (ref === null) { ref = lon; }
      ref = near(lon, ref);
      return ref;
    }
    (route.lines || []).forEach(function (line) {
      var latlngs = line.coordinates.map(function (c) { return [c[1], unwrap(c[0])]; });
      L.polyline(latlngs, {
        color: line.baseline ? "#6b7785" : "#b42318",
        weight: line.baseline ? 2 : 3.5,
        dashArray: line.baseline ? "6 6" : null,
        className: line.baseline ? "route-baseline" : "route-plan"
      }).addTo(map);
      bounds = bounds.concat(latlngs);
    });
    (route.stops || []).forEach(function (s) {
      L.circleMarker([s.lat, near(s.lon, ref === null ? s.lon : ref)], {
        radius: 7, weight: 2, color: "#fff", fillColor: s.refuel ? "#b42318" : "#1f3a5f", fillOpacity: 1,
        className: "route-stop"
      }).bindTooltip(escapeHtml(names[s.name] || s.name), { permanent: !!s.refuel, direction: "top" }).addTo(map);
      bounds.push([s.lat, near(s.lon, ref === null ? s.lon : ref)]);
    });
    (route.points || []).forEach(function (p) {
      var lon = unwrap(p.lon);
      L.circleMarker([p.lat, lon], {
        radius: p.gained ? 7 : 5, weight: 1.5, color: "#fff",
        fillColor: p.gained ? "#b42318" : "#0b5cad", fillOpacity: 1,
        className: p.gained ? "reach-gained" : "reach-point"
      }).bindTooltip(escapeHtml(names[p.name] || p.name)).addTo(map);
      bounds.push([p.lat, lon]);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], animate: false }); }
  }

  // Zoom to the facilities one deployment uses (its detail page).
  function focusOn(map, deployments, facilities) {
    var points = [];
    deployments.forEach(function (d) {
      (d.elements || []).forEach(function (el) {
        var f = facilities[el.facility];
        if (f) { points.push([f.lat, f.lon]); }
      });
    });
    if (points.length) { map.fitBounds(points, { padding: [40, 40], maxZoom: 5, animate: false }); }
  }

  function init(root) {
    var map = L.map(root, { worldCopyJump: true, minZoom: 1, maxZoom: 9, attributionControl: false })
      .setView([45, 75], 2);
    root.relosMap = map;
    var names = root.dataset.names ? JSON.parse(root.dataset.names) : {};
    var ready = basemap(map, root.dataset.basemap);
    if (root.dataset.route) {
      ready = ready.then(function () { routeLayer(map, JSON.parse(root.dataset.route), names); });
    }
    if (root.dataset.facilities) {
      ready = ready.then(function () { return getJSON(root.dataset.facilities); })
        .then(function (list) {
          var words = root.dataset.words ? JSON.parse(root.dataset.words) : {};
          var byId = facilitiesLayer(map, list, words, names);
          if (!root.dataset.deployments) { return 0; }
          return getJSON(root.dataset.deployments).then(function (deps) {
            var list = Array.isArray(deps) ? deps : [deps];
            var shown = deploymentsLayer(map, list, byId, root.dataset.ownParty);
            if (root.dataset.focus) { focusOn(map, list, byId); }
            return shown;
          });
        });
    }
    ready.then(function () {
      root.dataset.ready = "1";
      status(root, "");
    }).catch(function (err) {
      root.dataset.ready = "error";
      status(root, String(err.message || err));
    });
  }

  document.querySelectorAll("[data-map]").forEach(init);
}());
