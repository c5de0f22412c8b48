"use strict";
// The /docs page: Swagger UI over this service's own OpenAPI document. No request leaves the
// machine: the validator badge (validator.swagger.io) is off and every asset is this service's.
window.addEventListener("load", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#docs",
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    withCredentials: false,
  });
});
