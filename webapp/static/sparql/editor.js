// The SPARQL query editor: YASGUI on our endpoint, our prefixes, the library as examples.
// Loaded with `defer` after the vendored yasgui.min.js; without JavaScript the plain form
// in the page still runs queries.
"use strict";

(function () {
  const configElement = document.getElementById("sparql-config");
  const host = document.getElementById("yasgui");
  const form = document.getElementById("sparql-form");
  if (!configElement || !host || typeof window.Yasgui !== "function") {
    return;
  }
  const config = JSON.parse(configElement.textContent);
  const examples = new Map(config.examples.map((example) => [example.name, example]));

  host.hidden = false;
  const yasgui = new window.Yasgui(host, {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: {
      getData: () => [{ endpoint: config.endpoint }],
    },
    persistenceId: "politiraad-sparql",
    populateFromUrl: false,
    yasqe: { value: config.defaultQuery },
  });
  if (form) {
    form.hidden = true;
  }

  function openExample(name) {
    const example = examples.get(name);
    if (!example) {
      return;
    }
    yasgui.addTab(true, {
      name: example.title,
      yasqe: { value: example.query },
      requestConfig: { endpoint: config.endpoint },
    });
    host.scrollIntoView({ behavior: "smooth", block: "start" });
  }

  for (const button of document.querySelectorAll("button[data-example]")) {
    button.hidden = false;
    button.addEventListener("click", () => openExample(button.dataset.example));
  }
  if (config.openExample) {
    openExample(config.openExample);
  }
})();
