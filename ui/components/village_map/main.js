/* Streamlit's component protocol (version 1) by hand: no build step, no npm, no CDN.
   Receives {data_url, style_url, selected, focus, height, clickable}; loads the map data once
   per URL and draws it with VillageMap (village_map.js); `style_url` (optional) names the
   layers' colours on their own (webmap.map_styles_json): another one recolours the drawn
   villages without fetching or drawing the shapes again (a weight change, another
   classification). A later script run with the same URLs only changes the outline, and fits
   the view to `focus` (a MapFocus) when its key or bounds change (a village chosen in a list;
   panning stays free until the next choice). A click sends back {code, at}. The drawn map is
   window.villageMap (read by the browser tests); window.villageMapStyled names the style URL
   it shows. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  var handle = null, shownUrl = null, wantedUrl = null, height = null;
  var wantedStyle = null, styleData = {}, styledWith = null;  // style URL -> loaded styles
  var selected = null, clickable = false;
  var focus = null, fitted = null;  // the wanted focus; the one the view was last fitted to

  function focusName(f) { return f ? JSON.stringify([f.key, f.bounds]) : null; }

  function applyFocus() {
    var name = focusName(focus);
    if (!handle || name === null || name === fitted) return;
    fitted = name;
    handle.focus(focus);
  }

  function send(type, extra) {
    var message = {isStreamlitMessage: true, type: type};
    for (var k in extra || {}) message[k] = extra[k];
    window.parent.postMessage(message, "*");
  }

  function clicked(id) {
    selected = id;
    if (clickable) send("streamlit:setComponentValue", {value: {code: id, at: Date.now()},
                                                        dataType: "json"});
  }

  /* The map data (and its detail tiles): its gzip twin unpacked here where the browser can (a third of the bytes,
     compressed once on the server), else the plain JSON. */
  function fetchData(url) {
    function plain() {
      return fetch(url, {credentials: "same-origin"}).then(function (response) {
        if (!response.ok) throw new Error("map data " + response.status);
        return response.json();
      });
    }
    if (typeof DecompressionStream === "undefined") return plain();
    return fetch(url + ".gz", {credentials: "same-origin"}).then(function (response) {
      if (!response.ok || !response.body) return plain();
      return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).json();
    }, plain);
  }

  /* The wanted colours on the drawn map, once both have arrived (the first paint waits for
     both, so it shows the right colours at once). */
  function applyStyle() {
    if (!handle || shownUrl !== wantedUrl || !wantedStyle || styledWith === wantedStyle) return;
    if (!(wantedStyle in styleData)) return;
    handle.restyle(styleData[wantedStyle].layers);
    styledWith = wantedStyle;
    window.villageMapStyled = wantedStyle;
  }

  function loadStyle(url) {
    wantedStyle = url;
    if (!url || url in styleData) { applyStyle(); return Promise.resolve(); }
    return fetchData(url).then(function (styles) {
      styleData = {};  // only the newest is kept
      styleData[url] = styles;
      applyStyle();
    });
  }

  function load(url, styleUrl) {
    wantedUrl = url;
    Promise.all([fetchData(url), styleUrl ? loadStyle(styleUrl) : null])
      .then(function (loaded) {
        var data = loaded[0];
        if (url !== wantedUrl) return;  // a newer map was asked for meanwhile
        if (handle) handle.remove();
        handle = VillageMap.draw(element, data, {selected: selected, onClick: clicked,
                                                  fetchJson: fetchData});
        window.villageMap = handle;
        shownUrl = url;
        styledWith = null;
        applyStyle();
        fitted = null;  // a new map opens on its own bounds: then the focus, if any
        applyFocus();
      })
      .catch(function (error) {
        element.textContent = String(error);
      });
  }

  function render(args) {
    if (args.height !== height) {
      height = args.height;
      element.style.height = height + "px";
      send("streamlit:setFrameHeight", {height: height});
      if (handle) handle.map.invalidateSize();
    }
    clickable = !!args.clickable;
    selected = args.selected === undefined ? null : args.selected;
    focus = args.focus || null;
    var styleUrl = args.style_url || null;
    if (args.data_url !== wantedUrl) {
      wantedStyle = styleUrl;
      load(args.data_url, styleUrl);
    } else {
      if (styleUrl !== wantedStyle) {
        loadStyle(styleUrl).catch(function (error) { element.textContent = String(error); });
      }
      if (handle && shownUrl === wantedUrl) {
        handle.select(selected);
        applyFocus();
      }
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (data && data.type === "streamlit:render") render(data.args || {});
  });
  send("streamlit:componentReady", {apiVersion: 1});
})();
