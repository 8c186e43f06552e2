// Boots GraphiQL for MMS. Configuration comes from data-* attributes of
// #graphiql (rendered by package web), so the page needs no inline script.
(function () {
  'use strict';

  var root = document.getElementById('graphiql');
  var endpoint = root.dataset.endpoint || '/graphql';
  var defaultHeaders = root.dataset.defaultHeaders || '';

  // The endpoint is normally a path ("/graphql"); derive absolute HTTP and
  // WebSocket URLs from the page location so the same binary works behind any
  // host name, with or without TLS.
  var url = new URL(endpoint, window.location.href);
  var subscriptionUrl = new URL(url.href);
  subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

  // The default Authorization header is only a hint ("Bearer mms_...");
  // never send it as-is, or the server would reject an obviously bogus key.
  var placeholder = /^Bearer mms_\.\.\.$/;

  function stripPlaceholders(headers) {
    if (!headers) {
      return headers;
    }
    var out = {};
    Object.keys(headers).forEach(function (k) {
      var v = headers[k];
      if (!(typeof v === 'string' && placeholder.test(v.trim()))) {
        out[k] = v;
      }
    });
    return out;
  }

  var baseFetcher = GraphiQL.createFetcher({
    url: url.href,
    subscriptionUrl: subscriptionUrl.href, // graphql-transport-ws (graphql-ws)
  });

  function fetcher(graphQLParams, opts) {
    var o = Object.assign({}, opts);
    o.headers = stripPlaceholders(o.headers);
    return baseFetcher(graphQLParams, o);
  }

  var plugins = [];
  if (window.GraphiQLPluginExplorer) {
    plugins.push(GraphiQLPluginExplorer.explorerPlugin());
  }

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      plugins: plugins,
      defaultHeaders: defaultHeaders,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: 'headers',
      inputValueDeprecation: true,
    })
  );
})();
