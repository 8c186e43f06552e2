package service

import (
	"context"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/mms-platform/mms/model"
)

// privateIP is the one definition of an address that outbound requests to
// user-given URLs (sources, webhooks) and raw database sources may reach only
// with MMS_ALLOW_PRIVATE_URLS: loopback, private networks, link-local (cloud
// metadata) and unspecified. A nil (unparsable) address counts as private.
func privateIP(ip net.IP) bool {
	return ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified()
}

// privateAddrError refuses what (a url, a source) for resolving to host, the
// same at registration and at connection time.
func privateAddrError(what, host string) error {
	return model.Errorf(model.EINVALID, "%s resolves to a private address (%s); allowed only with --allow-private-urls", what, host)
}

// resolveTimeout bounds the name lookup of checkURLHost.
const resolveTimeout = 3 * time.Second

// checkURLHost refuses, unless allowPrivate, a URL whose host is or resolves
// to a private address (privateIP), so that a URL kept for later use (a
// webhook) is refused when it is registered rather than at every delivery. A
// name that does not resolve now passes: the connection-time check still
// applies to whatever it resolves to later.
func checkURLHost(ctx context.Context, raw string, allowPrivate bool) error {
	if allowPrivate {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return model.Errorf(model.EINVALID, "url must be an http:// or https:// URL")
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); ip != nil {
		if privateIP(ip) {
			return privateAddrError("url", host)
		}
		return nil
	}
	if h := strings.TrimSuffix(strings.ToLower(host), "."); h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return privateAddrError("url", host)
	}
	ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil
	}
	for _, a := range addrs {
		if privateIP(a.IP) {
			return privateAddrError("url", a.IP.String())
		}
	}
	return nil
}
