/**
 * The `/docs` page and its start-up script. No inline script or style, so the page runs under a CSP that
 * allows this origin only; every URL is relative, so it also works behind a proxy that mounts the gateway
 * under a path prefix.
 */
export const API_REFERENCE_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Voxgate API reference</title>
    <link rel="stylesheet" href="docs/assets/swagger-ui.css">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="docs/assets/swagger-ui-bundle.js"></script>
    <script src="docs/assets/init.js"></script>
  </body>
</html>
`;

/**
 * Starts Swagger UI on `openapi.json` next to the page. `validatorUrl: null`: Swagger UI would otherwise
 * send the document to an external validator (and the CSP would block it anyway).
 */
export const API_REFERENCE_INIT_JS = `'use strict';
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: new URL('openapi.json', document.baseURI).href,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});
`;
