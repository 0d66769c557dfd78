/* Streamlit's component protocol (version 1) by hand: no build step, no npm, no CDN.
   Receives {data_url, selected, height, clickable}; loads the map data once per URL and
   draws it with VillageMap (village_map.js); a later script run with the same URL only
   changes the outline. A click sends back {code, at}. */
(function () {
  "use strict";
  var element = document.getElementById("map");
  var handle = null, shownUrl = null, wantedUrl = null, height = null;
  var selected = null, clickable = false;

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

  /* The map data: its gzip twin unpacked here where the browser can (a third of the bytes,
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

  function load(url) {
    wantedUrl = url;
    fetchData(url)
      .then(function (data) {
        if (url !== wantedUrl) return;  // a newer map was asked for meanwhile
        if (handle) handle.remove();
        handle = VillageMap.draw(element, data, {selected: selected, onClick: clicked});
        shownUrl = url;
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
    if (args.data_url !== wantedUrl) {
      load(args.data_url);
    } else if (handle && shownUrl === wantedUrl) {
      handle.select(selected);
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (data && data.type === "streamlit:render") render(data.args || {});
  });
  send("streamlit:componentReady", {apiVersion: 1});
})();
