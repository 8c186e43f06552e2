package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/ingest"
	"github.com/mms-platform/mms/model"
)

// External databases (MongoDB, PostgreSQL) are ingestion sources only through
// connections an admin registered: the URI or DSN is sealed at rest by the
// store and never returned or logged. Whatever the address, the server's own
// store is never a source: every address a source resolves to is compared with
// the store's (same host and port, any local name of it, its Unix socket), at
// registration, at submit and on every dial, and a MongoDB source is asked for
// the store's identity marker through its own connection before anything is
// read. Raw URIs in ingest are refused unless AllowRawSources (single-tenant
// installs), and even then private addresses follow AllowPrivateURLs.

// ConnectionStore persists connections; it seals and opens their URIs itself.
type ConnectionStore interface {
	// CreateConnection stores c with uri sealed; ECONFLICT if the name is
	// taken, EUNAVAILABLE with no encryption key.
	CreateConnection(ctx context.Context, c *model.Connection, uri string) error
	// Connection returns a connection without its URI; ENOTFOUND if none.
	Connection(ctx context.Context, name string) (*model.Connection, error)
	// ConnectionURI opens a connection's URI or DSN; ENOTFOUND if none.
	ConnectionURI(ctx context.Context, name string) (string, error)
	Connections(ctx context.Context) ([]*model.Connection, error)
	// DeleteConnection removes and returns a connection; ENOTFOUND if none.
	DeleteConnection(ctx context.Context, name string) (*model.Connection, error)
}

// DialFunc opens a network connection; the service's refuses forbidden addresses.
type DialFunc = func(ctx context.Context, network, address string) (net.Conn, error)

// MongoSources reads outside MongoDB deployments (mongodb implements it).
type MongoSources interface {
	// SourceHosts parses a MongoDB URI and returns its host:port addresses
	// (or Unix socket paths); EINVALID if it is not a URI.
	SourceHosts(uri string) ([]string, error)
	// StoreAddrs returns the addresses of the server's own store.
	StoreAddrs() []string
	// ReadCollection copies matching documents of database.collection as
	// NDJSON, dialing through dial; it refuses the server's own store after
	// connecting (EFORBIDDEN), answers EINVALID for errors the source server
	// returned, and a plain error when the source could not be reached.
	ReadCollection(ctx context.Context, uri string, dial DialFunc, database, collection string, filter map[string]any, w io.Writer, limit int64) (int64, error)
}

const (
	maxConnectionURI   = 4096
	maxConnectionTeams = 100
)

// CreateConnection registers an external database (admins only, audited). The
// URI must parse, must not point at the server's own store, and is sealed with
// the encryption key (refused without one).
func (s *Service) CreateConnection(ctx context.Context, in model.CreateConnectionInput) (*model.Connection, error) {
	obj := "connection/" + in.Name
	var c *model.Connection
	err := s.mutate(ctx, auth.ActAdmin, auth.AllTeams, obj, "create connection", func() error {
		if err := checkSlug("connection", in.Name); err != nil {
			return err
		}
		if !in.Kind.IsValid() {
			return model.Errorf(model.EINVALID, "kind must be MONGODB or POSTGRESQL")
		}
		uri := strings.TrimSpace(in.URI)
		if uri == "" || len(uri) > maxConnectionURI {
			return model.Errorf(model.EINVALID, "uri must be 1-%d characters", maxConnectionURI)
		}
		teams, err := s.connectionTeams(ctx, in.Teams)
		if err != nil {
			return err
		}
		hosts, err := s.sourceHosts(in.Kind, uri)
		if err != nil {
			return err
		}
		if err := s.checkSourceAddrs(ctx, s.storeEndpoints(ctx), hosts, false); err != nil {
			if model.ErrorCode(err) == model.EFORBIDDEN {
				return s.deny(ctx, auth.ActAdmin, auth.AllTeams, obj, model.ErrorMessage(err))
			}
			return err
		}
		c = &model.Connection{Name: in.Name, Kind: in.Kind, Teams: teams, Host: strings.Join(hosts, ","),
			CreatedBy: model.PrincipalFromContext(ctx).ID, CreatedAt: s.now()}
		if err := s.SourceConnections.CreateConnection(ctx, c, uri); err != nil {
			if model.ErrorCode(err) == model.EUNAVAILABLE {
				return model.Errorf(model.EUNAVAILABLE, "createConnection needs an encryption key, which seals the URI at rest: set MMS_ENCRYPTION_KEY (%s)", model.ErrorMessage(err))
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// connectionTeams checks and de-duplicates a connection's teams: each must exist.
func (s *Service) connectionTeams(ctx context.Context, in []string) ([]string, error) {
	if len(in) > maxConnectionTeams {
		return nil, model.Errorf(model.EINVALID, "at most %d teams", maxConnectionTeams)
	}
	out := []string{}
	for _, t := range in {
		if slices.Contains(out, t) {
			continue
		}
		if err := checkSlug("team", t); err != nil {
			return nil, err
		}
		if _, err := s.Teams.Team(ctx, t); err != nil {
			if model.ErrorCode(err) == model.ENOTFOUND {
				return nil, model.Errorf(model.EINVALID, "team %q does not exist", t)
			}
			return nil, err
		}
		out = append(out, t)
	}
	slices.Sort(out)
	return out, nil
}

// Connections lists the registered connections (admins only), never their URIs.
func (s *Service) Connections(ctx context.Context) ([]*model.Connection, error) {
	if err := s.authorize(ctx, auth.ActAdmin, auth.AllTeams, "connection/*"); err != nil {
		return nil, err
	}
	return s.SourceConnections.Connections(ctx)
}

// DeleteConnection removes a connection (admins only, audited).
func (s *Service) DeleteConnection(ctx context.Context, name string) (*model.Connection, error) {
	var c *model.Connection
	err := s.mutate(ctx, auth.ActAdmin, auth.AllTeams, "connection/"+name, "delete connection", func() error {
		var err error
		c, err = s.SourceConnections.DeleteConnection(ctx, name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// dbSource is an ingestion's MongoDB or SQL source as given.
type dbSource struct {
	kind     model.ConnectionKind
	field    string // "mongo" or "sql"
	rawField string // "uri" or "dsn"
	conn     *string
	raw      *string
}

// sourceField is the ingest input that takes connections of kind.
func sourceField(kind model.ConnectionKind) string {
	if kind == model.ConnectionKindMongodb {
		return "mongo"
	}
	return "sql"
}

func dbSourceOf(mongo *model.MongoSourceInput, sql *model.SQLSourceInput) *dbSource {
	switch {
	case mongo != nil:
		return &dbSource{kind: model.ConnectionKindMongodb, field: "mongo", rawField: "uri", conn: mongo.Connection, raw: mongo.URI}
	case sql != nil:
		return &dbSource{kind: model.ConnectionKindPostgresql, field: "sql", rawField: "dsn", conn: sql.Connection, raw: sql.Dsn}
	}
	return nil
}

// checkDBSource checks an ingestion's MongoDB or SQL source at submit: a named
// connection the caller may use for d's team (audited as a use), or, where raw
// sources are allowed, a raw URI that reaches neither the store nor (unless
// allowed) a private address.
func (s *Service) checkDBSource(ctx context.Context, d *model.Dataset, src *dbSource) error {
	if src == nil {
		return nil
	}
	switch {
	case src.conn != nil && src.raw != nil:
		return model.Errorf(model.EINVALID, "%s: give connection or %s, not both", src.field, src.rawField)
	case src.conn != nil:
		name := *src.conn
		obj := "connection/" + name
		if err := s.authorize(ctx, auth.ActUse, d.Team, obj); err != nil {
			return err
		}
		c, err := s.SourceConnections.Connection(ctx, name)
		if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
			return err
		}
		if c == nil || !c.AllowsTeam(d.Team) {
			// One answer for both: names of connections are not probed this way.
			return s.deny(ctx, auth.ActUse, d.Team, obj,
				fmt.Sprintf("connection %q does not exist or may not be used for datasets of team %s: ask an admin (connections)", name, d.Team))
		}
		if c.Kind != src.kind {
			return model.Errorf(model.EINVALID, "connection %q is a %s connection; name it in %s.connection", name, c.Kind, sourceField(c.Kind))
		}
		return s.record(ctx, auth.ActUse, d.Team, obj, model.DecisionAllow, "ingest into dataset/"+d.ID)
	case src.raw != nil:
		if !s.AllowRawSources {
			return model.Errorf(model.EINVALID, "%s.%s: raw database sources are disabled on this server; ask an admin to register a connection (createConnection) and name it in %s.connection", src.field, src.rawField, src.field)
		}
		hosts, err := s.sourceHosts(src.kind, *src.raw)
		if err != nil {
			return err
		}
		if err := s.checkSourceAddrs(ctx, s.storeEndpoints(ctx), hosts, !s.AllowPrivateURLs); err != nil {
			if model.ErrorCode(err) == model.EFORBIDDEN {
				return s.deny(ctx, auth.ActUse, d.Team, "source/"+src.field, model.ErrorMessage(err))
			}
			return err
		}
		return nil
	}
	return model.Errorf(model.EINVALID, "%s: name a registered connection in %s.connection", src.field, src.field)
}

// exportDB copies an ingestion's MongoDB or SQL source into w. A failure to
// reach or read the source answers one generic message (the details go to the
// log), so that the job's error is no probe of addresses and ports; errors the
// source server itself answered (a bad query) keep their message. Each use of
// a connection is audited under the actor who submitted the ingestion.
func (s *Service) exportDB(ctx context.Context, p *ingestPayload, w io.Writer) error {
	src := dbSourceOf(p.Mongo, p.SQL)
	if src == nil {
		return model.Errorf(model.EINVALID, "ingestion has no database source")
	}
	label := "the " + src.field + " source"
	uri, team, obj := "", "", "source/"+src.field
	checkPrivate := false
	if src.conn != nil {
		name := *src.conn
		label, obj = fmt.Sprintf("connection %q", name), "connection/"+name
		d, err := s.Datasets.Dataset(ctx, p.Dataset)
		if err != nil {
			return err
		}
		team = d.Team
		c, err := s.SourceConnections.Connection(ctx, name)
		if err != nil && model.ErrorCode(err) != model.ENOTFOUND {
			return err
		}
		if c == nil || !c.AllowsTeam(team) || c.Kind != src.kind {
			msg := fmt.Sprintf("connection %q no longer exists or may no longer be used for datasets of team %s", name, team)
			if aerr := s.recordAs(ctx, p.By, auth.ActUse, team, obj, model.DecisionDeny, "ingestion "+p.Ingestion+": "+msg); aerr != nil {
				return aerr
			}
			return model.Errorf(model.EFORBIDDEN, "%s", msg)
		}
		if uri, err = s.SourceConnections.ConnectionURI(ctx, name); err != nil {
			return err
		}
	} else {
		if src.raw == nil {
			return model.Errorf(model.EINVALID, "%s: no connection", src.field)
		}
		if !s.AllowRawSources {
			return model.Errorf(model.EINVALID, "%s.%s: raw database sources are disabled on this server; ask an admin to register a connection", src.field, src.rawField)
		}
		uri, checkPrivate = *src.raw, !s.AllowPrivateURLs
		if d, err := s.Datasets.Dataset(ctx, p.Dataset); err == nil {
			team = d.Team
		}
	}
	eps := s.storeEndpoints(ctx)
	hosts, err := s.sourceHosts(src.kind, uri)
	if err == nil {
		err = s.checkSourceAddrs(ctx, eps, hosts, checkPrivate)
	}
	var n int64
	if err == nil {
		dial := s.dbDialer(eps, checkPrivate)
		switch src.kind {
		case model.ConnectionKindMongodb:
			filter := map[string]any{}
			if f, ok := p.Mongo.Filter.(map[string]any); ok {
				filter = f
			}
			n, err = s.MongoSources.ReadCollection(ctx, uri, dial, p.Mongo.Database, p.Mongo.Collection, filter, w, maxExternalRows)
		default:
			n, err = ingest.ExportSQL(ctx, uri, dial, p.SQL.Query, w, maxExternalRows)
		}
	}
	decision, summary := model.DecisionAllow, fmt.Sprintf("ingestion %s read %d rows", p.Ingestion, n)
	if err != nil {
		summary = fmt.Sprintf("ingestion %s failed: %s", p.Ingestion, model.ErrorCode(err))
		if model.ErrorCode(err) == model.EFORBIDDEN {
			decision = model.DecisionDeny
		}
	}
	if aerr := s.recordAs(ctx, p.By, auth.ActUse, team, obj, decision, summary); aerr != nil && err == nil {
		return aerr
	}
	if err == nil || ctx.Err() != nil {
		return err
	}
	var me *model.Error
	if errors.As(err, &me) && me.Code == model.EINVALID && !errors.Is(err, errAddress) {
		return model.Errorf(model.EINVALID, "could not read from %s: %s", label, me.Message)
	}
	s.Log.WarnContext(ctx, "database source failed", "source", label, "ingestion", p.Ingestion, "err", err)
	return model.Errorf(model.EINVALID, "could not read from %s; the server log has the details", label)
}

// recordAs appends an audit record for actor (a job acting for its submitter).
func (s *Service) recordAs(ctx context.Context, actor, act, team, obj, decision, summary string) error {
	if actor == "" {
		actor = "system"
	}
	return s.record(model.NewContextWithPrincipal(ctx, &model.Principal{ID: actor}), act, team, obj, decision, summary)
}

// sourceHosts returns the addresses a source URI or DSN reaches.
func (s *Service) sourceHosts(kind model.ConnectionKind, uri string) ([]string, error) {
	if kind == model.ConnectionKindMongodb {
		return s.MongoSources.SourceHosts(uri)
	}
	return ingest.SQLHosts(uri)
}

// errAddress marks refusals of an address (own store, private network).
var errAddress = errors.New("address refused")

// storeEndpoint is one address of the server's own store, resolved.
type storeEndpoint struct {
	port   string
	ips    []net.IP
	local  bool   // the store is on this machine: every local address with port is it
	socket string // a Unix socket path instead
}

// storeEndpoints resolves the addresses of the server's own store now.
func (s *Service) storeEndpoints(ctx context.Context) []storeEndpoint {
	if s.MongoSources == nil {
		return nil
	}
	var out []storeEndpoint
	for _, a := range s.MongoSources.StoreAddrs() {
		if strings.HasPrefix(a, "/") || strings.HasSuffix(a, ".sock") {
			out = append(out, storeEndpoint{socket: cleanPath(a)})
			continue
		}
		host, port, err := net.SplitHostPort(a)
		if err != nil {
			continue
		}
		ep := storeEndpoint{port: port}
		if ip := net.ParseIP(host); ip != nil {
			ep.ips = []net.IP{ip}
		} else {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			addrs, err := net.DefaultResolver.LookupIPAddr(rctx, host)
			cancel()
			if err != nil {
				ep.local = true // unknown: treat every local address on that port as the store
			}
			for _, ad := range addrs {
				ep.ips = append(ep.ips, ad.IP)
			}
		}
		for _, ip := range ep.ips {
			if localIP(ip) {
				ep.local = true
			}
		}
		out = append(out, ep)
	}
	return out
}

func cleanPath(p string) string {
	p = filepath.Clean(p)
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

// localIP reports whether ip reaches this machine: loopback, unspecified
// (0.0.0.0 and :: connect to the local host) or one of its interface addresses.
func localIP(ip net.IP) bool {
	if ip.IsLoopback() || ip.IsUnspecified() {
		return true
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(ip) {
			return true
		}
	}
	return false
}

// checkDBAddr refuses a resolved address (network "tcp*" with ip:port, or
// "unix" with a path) that is the server's own store, or, when checkPrivate, a
// private one (privateIP, the rule of URL sources; any Unix socket).
func checkDBAddr(eps []storeEndpoint, network, address string, checkPrivate bool) error {
	own := model.Errorf(model.EFORBIDDEN, "the source address %s is this server's own store, which is never an ingestion source", address)
	if strings.HasPrefix(network, "unix") {
		p := cleanPath(address)
		for _, ep := range eps {
			if ep.socket != "" && ep.socket == p {
				return errors.Join(own, errAddress)
			}
		}
		if checkPrivate {
			return errors.Join(privateAddrError("source", "a local socket"), errAddress)
		}
		return nil
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return errors.Join(model.Errorf(model.EINVALID, "source address %q: %v", address, err), errAddress)
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return errors.Join(model.Errorf(model.EINVALID, "source address %q is not an IP address", address), errAddress)
	}
	for _, ep := range eps {
		if ep.socket != "" || ep.port != port {
			continue
		}
		if ep.local && localIP(ip) {
			return errors.Join(own, errAddress)
		}
		for _, sip := range ep.ips {
			if sip.Equal(ip) {
				return errors.Join(own, errAddress)
			}
		}
	}
	if checkPrivate && privateIP(ip) {
		return errors.Join(privateAddrError("source", host), errAddress)
	}
	return nil
}

// checkSourceAddrs applies checkDBAddr to a source's hosts, resolving names
// now (the dialer checks again on every connection, so a name that resolves
// differently later gains nothing). A name that does not resolve now passes.
func (s *Service) checkSourceAddrs(ctx context.Context, eps []storeEndpoint, hosts []string, checkPrivate bool) error {
	for _, h := range hosts {
		if strings.HasPrefix(h, "/") || strings.HasSuffix(h, ".sock") {
			if err := checkDBAddr(eps, "unix", h, checkPrivate); err != nil {
				return err
			}
			continue
		}
		host, port, err := net.SplitHostPort(h)
		if err != nil {
			return model.Errorf(model.EINVALID, "source host %q: give host:port", h)
		}
		var ips []net.IP
		if ip := net.ParseIP(host); ip != nil {
			ips = []net.IP{ip}
		} else {
			rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			addrs, _ := net.DefaultResolver.LookupIPAddr(rctx, host)
			cancel()
			for _, a := range addrs {
				ips = append(ips, a.IP)
			}
		}
		for _, ip := range ips {
			if err := checkDBAddr(eps, "tcp", net.JoinHostPort(ip.String(), port), checkPrivate); err != nil {
				return err
			}
		}
	}
	return nil
}

// dbDialer dials external databases, refusing on every connection (after DNS)
// the store's addresses and, when checkPrivate, private ones.
func (s *Service) dbDialer(eps []storeEndpoint, checkPrivate bool) DialFunc {
	d := &net.Dialer{Timeout: 10 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		return checkDBAddr(eps, network, address, checkPrivate)
	}}
	return d.DialContext
}
