/* Draws the village layers of geo.presentation.webmap.VillageMap with Leaflet (no other script).

   VillageMap.draw(element, data, options) -> handle
     data     what VillageMap.to_json() writes: bounds, canvas, tiles, layers (compact columns)
     options  {selected: "<village code>" | null, onClick: function(id) | null}
   handle.select(code) outlines that village (null: none); handle.focus(focus) fits the view to
   a MapFocus ({bounds, max_zoom, padding}); handle.restyle(layers) recolours the drawn layers
   (webmap.map_styles_json: per layer null or {styles, style_of}, the shapes stay as they are);
   handle.remove() drops the map.

   data.detail (optional, geo.presentation.detail.DetailPlan): from detail.min_zoom on, the
   tiles around the view are fetched once each (options.fetchJson, else fetch) and their
   villages redrawn with those finer shapes; a tile not there yet is asked for again after
   a move or a few seconds. handle.detailTiles() counts the tiles applied.

   The selected village is drawn again on top of every layer (a halo and a line, no fill,
   not interactive), with a ring at its centre when its shape is only a few pixels wide.
   Village names (a layer's "label" property) are labels only from labels.min_zoom on and only
   for the villages whose centre is in view, at most labels.cap of them and none overlapping
   another, made again after each move; their text is set as text (textContent), never parsed
   as markup.

   Every text in a tooltip arrives HTML-escaped from Python; nothing here builds markup from
   anything else. Polygon rings come as integer steps of 1/scale degrees (see _ring_steps in
   webmap.py): x = running sum / scale gives the same double as the decimal text. */
(function (root) {
  "use strict";

  function ring(a, s) {
    var o = new Array(a.length / 2), x = 0, y = 0, j;
    for (j = 0; j < a.length; j += 2) { x += a[j]; y += a[j + 1]; o[j / 2] = [x / s, y / s]; }
    return o;
  }

  function nest(c, depth, s) {
    return depth ? c.map(function (e) { return nest(e, depth - 1, s); }) : ring(c, s);
  }

  /* The FeatureCollection of one layer, rebuilt from its columns. */
  function expand(d) {
    var n = d.ids.length, f = new Array(n), i, k, p;
    for (i = 0; i < n; i++) {
      p = {};
      for (k in d.props) p[k] = d.props[k][i];
      f[i] = {type: "Feature", id: d.ids[i], properties: p,
              geometry: {type: d.types[d.kinds[i]],
                         coordinates: d.ints ? nest(d.coords[i], d.depths[d.kinds[i]], d.scale)
                                             : d.coords[i]}};
    }
    return {type: "FeatureCollection", features: f};
  }

  function tooltipHtml(labels, props) {
    var rows = "", i;
    for (i = 0; i < labels.length; i++) {
      rows += "<tr><th>" + labels[i] + "</th><td>" + props["f" + i] + "</td></tr>";
    }
    return "<table>" + rows + "</table>";
  }

  /* The text of an html.escape()d string (the tooltip values), without parsing markup. */
  var ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'"};
  function unescape(text) {
    return String(text).replace(/&(amp|lt|gt|quot|#x27);/g, function (e) { return ENTITIES[e]; });
  }

  function merge(a, b) {
    var o = {}, k;
    for (k in a) o[k] = a[k];
    for (k in b) o[k] = b[k];
    return o;
  }

  function draw(element, data, options) {
    options = options || {};
    var map = L.map(element, {preferCanvas: !!data.canvas});
    // Leaflet focuses the map on mousedown (keyboard panning); in an iframe that scrolls the
    // page holding it when the map is not wholly in view, and the click then lands elsewhere.
    var container = map.getContainer(), focus = container.focus;
    container.focus = function () { focus.call(container, {preventScroll: true}); };
    L.control.scale({imperial: false}).addTo(map);  // metres only: the units of Indonesian maps
    if (data.tiles) {
      L.tileLayer(data.tiles.url, {attribution: data.tiles.attribution,
                                   maxZoom: data.tiles.max_zoom || 19}).addTo(map);
    }
    var shapes = Object.create(null);  // feature id -> {path, style} (the first layer wins)
    var paths = Object.create(null);  // feature id -> every drawn path of it (detail replaces them all)
    var selected = null, hovered = null;
    var look = data.selection_style || {}, labelSpec = data.labels || {};
    map.createPane("selection").style.zIndex = 450;  // above the villages, below tooltips
    var labelPane = map.createPane("labels");
    labelPane.style.zIndex = 620;
    labelPane.style.pointerEvents = "none";
    var outline = L.layerGroup().addTo(map), labels = L.layerGroup().addTo(map);
    var ring = null, named = [];  // named: {id, path, text, centre} of the villages with a label
    var labelsReady = false;  // labels are drawn once the view is set

    function restyle(id) {
      var entry = shapes[id];
      if (!entry) return;
      var style = entry.style;
      if (id === hovered) style = merge(style, entry.highlight);
      if (id === selected) style = merge(style, data.selected_style);
      entry.path.setStyle(style);
    }

    data.layers.forEach(function (spec, layerIndex) {
      var collection = expand(spec.columns);
      collection.features.forEach(function (f, i) { f.styleIndex = spec.style_of[i]; });
      L.geoJSON(collection, {
        style: function (feature) { return spec.styles[feature.styleIndex]; },
        onEachFeature: function (feature, path) {
          var id = feature.id;
          (paths[id] = paths[id] || []).push(path);
          if (!(id in shapes)) {
            shapes[id] = {path: path, style: spec.styles[feature.styleIndex],
                          highlight: spec.highlight || {}, layer: layerIndex};
          }
          if (spec.label && feature.properties[spec.label] !== undefined) {
            named.push({id: id, path: path, text: unescape(feature.properties[spec.label]),
                        centre: null});
          }
          if (spec.tooltip && spec.tooltip.length) {
            path.bindTooltip(tooltipHtml(spec.tooltip, feature.properties), {sticky: false});
          }
          path.on("mouseover", function () { var old = hovered; hovered = id; restyle(old); restyle(id); });
          path.on("mouseout", function () { if (hovered === id) { hovered = null; restyle(id); } });
          path.on("click", function () {
            if (!options.onClick) return;
            handle.select(id);  // outlined at once, before the server answers
            options.onClick(id);
          });
        }
      }).addTo(map);
    });
    if (data.bounds) {
      map.fitBounds([[data.bounds[1], data.bounds[0]], [data.bounds[3], data.bounds[2]]]);
    } else {
      map.setView([-2.5, 118], 5);
    }

    /* The ring at the selected village's centre, shown while its shape is tiny on screen. */
    function placeRing() {
      var entry = selected !== null && shapes[selected];
      var show = false;
      if (entry) {
        var b = entry.path.getBounds();
        var a = map.latLngToLayerPoint(b.getSouthWest()), c = map.latLngToLayerPoint(b.getNorthEast());
        show = Math.max(Math.abs(c.x - a.x), Math.abs(c.y - a.y)) < (look.marker_below_px || 12);
      }
      if (show && !ring) {
        ring = L.circleMarker(entry.path.getBounds().getCenter(),
                              merge(look.marker || {}, {pane: "selection", interactive: false}));
        outline.addLayer(ring);
      } else if (!show && ring) {
        outline.removeLayer(ring);
        ring = null;
      }
    }

    function drawOutline() {
      outline.clearLayers();
      ring = null;
      var entry = selected !== null && shapes[selected];
      if (!entry) return;
      [look.halo, look.line].forEach(function (style) {
        if (!style) return;
        outline.addLayer(L.geoJSON(entry.path.feature, {
          pane: "selection", interactive: false,
          style: function () { return merge(style, {fill: false}); }
        }));
      });
      placeRing();
    }

    function centre(item) {
      if (!item.centre) item.centre = item.path.getBounds().getCenter();
      return item.centre;
    }

    /* Labels of the villages in view (close zoom only, at most labelSpec.cap, the selected
       village's first so that no neighbour's name hides it). */
    function drawLabels() {
      labels.clearLayers();
      if (!named.length || map.getZoom() < (labelSpec.min_zoom || 13)) return;
      var view = map.getBounds(), cap = labelSpec.cap || 250, boxes = [];
      var order = named.filter(function (item) { return item.id === selected; });
      order.concat(named).some(function (item, i) {
        if (i >= order.length && item.id === selected) return false;  // placed already
        if (!view.contains(centre(item))) return false;
        // skip a name that would overlap one already placed (its box guessed from its length)
        var at = map.latLngToContainerPoint(item.centre);
        var box = {x: at.x, y: at.y, w: item.text.length * 3.2 + 3, h: 8};
        if (boxes.some(function (o) {
          return Math.abs(o.x - box.x) < o.w + box.w && Math.abs(o.y - box.y) < o.h + box.h;
        })) return false;
        boxes.push(box);
        var text = document.createElement("span");
        text.className = "village-label";
        text.textContent = item.text;
        text.style.cssText = "position:absolute;transform:translate(-50%,-50%);white-space:nowrap;" +
          "font:600 11px sans-serif;color:#1a1a1a;pointer-events:none;" +
          "text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff";
        labels.addLayer(L.marker(item.centre, {
          icon: L.divIcon({html: text, className: "village-label-icon", iconSize: null}),
          pane: "labels", interactive: false, keyboard: false
        }));
        return boxes.length >= cap;
      });
    }

    /* Finer shapes near the view once zoomed in (see data.detail above). */
    var detail = data.detail, tileState = {}, applied = 0, retry = null;
    var wantedTiles = {};
    ((detail && detail.tiles) || []).forEach(function (key) { wantedTiles[key] = true; });
    var fetchJson = options.fetchJson || function (url) {
      return fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) throw new Error("detail " + response.status);
        return response.json();
      });
    };

    function applyDetail(columns) {
      var redraw = false;
      columns.ids.forEach(function (id, i) {
        var kind = columns.kinds[i], depth = columns.depths[kind];
        var coordinates = nest(columns.coords[i], depth, columns.scale);
        (paths[id] || []).forEach(function (path) {
          path.setLatLngs(L.GeoJSON.coordsToLatLngs(coordinates, depth));
          if (path.feature) path.feature.geometry = {type: columns.types[kind],
                                                     coordinates: coordinates};
        });
        if (id === selected) redraw = true;
      });
      applied += 1;
      if (redraw) drawOutline();
    }

    function loadDetail() {
      if (!detail || map.getZoom() < detail.min_zoom) return;
      var view = map.getBounds(), d = detail.tile_deg, x, y;
      var west = Math.floor(view.getWest() / d) - 1, east = Math.floor(view.getEast() / d) + 1;
      var south = Math.floor(view.getSouth() / d) - 1, north = Math.floor(view.getNorth() / d) + 1;
      for (x = west; x <= east; x++) {
        for (y = south; y <= north; y++) {
          var key = x + "_" + y;
          if (wantedTiles[key] && !tileState[key]) fetchTile(key);
        }
      }
    }

    function fetchTile(key) {
      tileState[key] = "loading";
      fetchJson(detail.base + "/" + key + ".json").then(function (columns) {
        if (!handle.alive) return;
        tileState[key] = "done";
        applyDetail(columns);
      }, function () {  // not written yet: asked for again after the next move or soon
        delete tileState[key];
        if (retry === null && handle.alive) {
          retry = setTimeout(function () { retry = null; loadDetail(); }, 3000);
        }
      });
    }

    map.on("zoomend", placeRing);
    map.on("moveend", drawLabels);
    map.on("moveend", loadDetail);

    var handle = {
      map: map,
      select: function (id) {
        if (id === undefined) id = null;
        if (id === selected) return;
        var old = selected;
        selected = id;
        restyle(old);
        restyle(id);
        // on top, so that its outline is not hidden by its neighbours' (not on hover: moving
        // the element under the pointer would swallow the click)
        if (id !== null && shapes[id]) shapes[id].path.bringToFront();
        drawOutline();
        if (labelsReady) drawLabels();
      },
      focus: function (focus) {
        if (!focus || !focus.bounds) return;
        var b = focus.bounds, pad = focus.padding || 40;
        map.fitBounds([[b[1], b[0]], [b[3], b[2]]],
                      {padding: [pad, pad], maxZoom: focus.max_zoom || 15});
      },
      /* {id, bounds: [west, south, east, north]} of the selected village, or null. */
      selection: function () {
        var entry = selected !== null && shapes[selected];
        if (!entry) return null;
        var b = entry.path.getBounds();
        return {id: selected, bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()],
                ring: !!ring};
      },
      /* New styles per layer (null: unchanged), in the order of the layer's features. */
      restyle: function (layers) {
        (layers || []).forEach(function (spec, layerIndex) {
          var layer = data.layers[layerIndex];
          if (!spec || !layer) return;
          layer.columns.ids.forEach(function (id, i) {
            var entry = shapes[id];
            if (!entry || entry.layer !== layerIndex) return;
            entry.style = spec.styles[spec.style_of[i]];
            restyle(id);
          });
        });
      },
      labelCount: function () { return labels.getLayers().length; },
      detailTiles: function () { return applied; },
      alive: true,
      remove: function () {
        handle.alive = false;
        if (retry !== null) clearTimeout(retry);
        map.remove();
      }
    };
    handle.select(options.selected === undefined ? data.selected : options.selected);
    labelsReady = true;
    drawLabels();
    loadDetail();
    return handle;
  }

  root.VillageMap = {draw: draw, expand: expand, unescape: unescape};
})(this);
