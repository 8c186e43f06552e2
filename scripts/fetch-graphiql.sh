#!/usr/bin/env bash
# fetch-graphiql.sh downloads the GraphiQL assets served by package web
# (web/static/) from the npm registry, so that GraphiQL works fully offline.
#
# Usage: scripts/fetch-graphiql.sh
#
# Only the npm registry is contacted (via `npm pack`); no CDN is used.
# Re-run after bumping a version below, then commit web/static/.
set -euo pipefail

GRAPHIQL_VERSION=4.1.2
REACT_VERSION=18.2.0
EXPLORER_VERSION=4.0.6

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${repo_root}/web/static"

tmp="$(mktemp -d)"
trap 'rm -rf "${tmp}"' EXIT

# fetch NAME VERSION: downloads and unpacks the npm tarball into ${tmp}/NAME/package.
fetch() {
	local name="$1" version="$2" dir
	dir="${tmp}/${name//\//_}"
	mkdir -p "${dir}"
	(cd "${dir}" && npm pack --silent "${name}@${version}" >/dev/null)
	tar -xzf "${dir}"/*.tgz -C "${dir}"
	echo "${dir}/package"
}

graphiql="$(fetch graphiql "${GRAPHIQL_VERSION}")"
react="$(fetch react "${REACT_VERSION}")"
react_dom="$(fetch react-dom "${REACT_VERSION}")"
explorer="$(fetch @graphiql/plugin-explorer "${EXPLORER_VERSION}")"

mkdir -p "${dest}"
install -m 0644 "${graphiql}/graphiql.min.js" "${dest}/graphiql.min.js"
install -m 0644 "${graphiql}/graphiql.min.css" "${dest}/graphiql.min.css"
install -m 0644 "${react}/umd/react.production.min.js" "${dest}/react.production.min.js"
install -m 0644 "${react_dom}/umd/react-dom.production.min.js" "${dest}/react-dom.production.min.js"
install -m 0644 "${explorer}/dist/index.umd.js" "${dest}/graphiql-plugin-explorer.umd.js"
install -m 0644 "${explorer}/dist/style.css" "${dest}/graphiql-plugin-explorer.css"

echo "GraphiQL assets written to ${dest}:"
ls -l "${dest}"
