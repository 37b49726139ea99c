/**
 * CloudFront Functions (runtime `cloudfront-js-2.0`) for the static frontend's distribution.
 *
 * With the backend served under the frontend's domain (`https://toucan.example.com/_api/...`), the
 * vendor requires the prefix to be stripped before the request reaches the backend. The viewer-request
 * function below does that on the `/_api/*` behaviour: it rewrites `uri` only, so the query string
 * (which CloudFront passes separately, in `event.request.querystring`) and every header, `Authorization`
 * included, reach the backend untouched.
 *
 * App routes without a file (`/my-app/stories`) must get `/index.html`, since the app routes in the
 * browser. With the frontend alone on its distribution, custom error responses (403/404 -> `/index.html`,
 * 200) do that. But custom error responses apply to the whole distribution, every origin included: with
 * the backend under `/_api` they would also turn the backend's own 403 and 404 into `200 index.html`.
 * So in that mode the default (S3) behaviour gets {@link SPA_FALLBACK_FUNCTION_CODE} instead, and the
 * distribution has no custom error responses.
 */

/** The path prefix the backend is served under by default. */
export const DEFAULT_API_PREFIX = "/_api";

/** The runtime to declare on the `aws.cloudfront.Function`. */
export const CLOUDFRONT_FUNCTION_RUNTIME = "cloudfront-js-2.0";

/** CloudFront's limit on a function's code size. */
export const CLOUDFRONT_FUNCTION_MAX_BYTES = 10 * 1024;

/**
 * Source of a viewer-request function that strips `prefix` from the URI:
 * `/_api/small-apps` -> `/small-apps`, `/_api` and `/_api/` -> `/`; other URIs (including
 * `/_apiary`) pass unchanged.
 *
 * @param prefix the path prefix, starting with `/`, without a trailing slash.
 * @throws Error for a prefix that is not a plain path segment list.
 */
export function stripPrefixFunctionCode(prefix: string = DEFAULT_API_PREFIX): string {
  if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix)) {
    throw new Error(
      `API path prefix ${JSON.stringify(prefix)} must start with "/", have no trailing slash and use only ` +
        `letters, digits and . _ ~ - (e.g. "/_api")`,
    );
  }
  // Plain ES5 inside: it is all the function needs, and it runs on any CloudFront JavaScript runtime.
  return `var PREFIX = ${JSON.stringify(prefix)};

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === PREFIX) {
    request.uri = "/";
  } else if (uri.substring(0, PREFIX.length + 1) === PREFIX + "/") {
    request.uri = uri.substring(PREFIX.length);
  }
  return request;
}
`;
}

/** {@link stripPrefixFunctionCode} for `/_api`. */
export const STRIP_API_PREFIX_FUNCTION_CODE: string = stripPrefixFunctionCode(DEFAULT_API_PREFIX);

/**
 * Source of a viewer-request function for the default (S3) behaviour that serves `/index.html` for app
 * routes: a URI whose last segment has no `.` (`/`, `/my-app`, `/my-app/stories/`) is rewritten to
 * `/index.html`; a URI naming a file (`/scripts/tc-params.js`, `/favicon.ico`) passes unchanged, so a
 * missing file stays an error instead of becoming an HTML page. Only the URI changes.
 */
export const SPA_FALLBACK_FUNCTION_CODE = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf("/") + 1);
  if (last.indexOf(".") === -1) {
    request.uri = "/index.html";
  }
  return request;
}
`;
