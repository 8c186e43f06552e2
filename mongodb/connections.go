package mongodb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"github.com/mms-platform/mms/fieldcrypt"
	"github.com/mms-platform/mms/model"
)

// Connections: external databases registered by an admin. The URI or DSN is
// sealed with the field-encryption keyring (bound to the connection's name) in
// the store itself, so no caller can forget to seal it; it is opened only to
// connect and never leaves this package but to the dialer.

const colConnections = "connections"

// identityID is the meta document holding the store's identity marker.
const identityID = "store_identity"

type connDoc struct {
	model.Connection `bson:",inline"`
	Sealed           []byte `bson:"sealed"`
}

func connPlace(name string) fieldcrypt.Place {
	return fieldcrypt.Place{Dataset: "connection", Field: "uri", Doc: name}
}

// errNoConnKey is the error of storing or opening a connection without keys.
var errNoConnKey = model.Errorf(model.EUNAVAILABLE, "connections are stored encrypted and this server has no encryption key: set MMS_ENCRYPTION_KEY")

// CreateConnection stores c with uri sealed; ECONFLICT if the name is taken,
// EUNAVAILABLE when no encryption key is configured.
func (d *DB) CreateConnection(ctx context.Context, c *model.Connection, uri string) error {
	keys := d.Keyring()
	if keys == nil {
		return errNoConnKey
	}
	sealed, err := keys.Seal(connPlace(c.Name), []byte(uri))
	if err != nil {
		return fmt.Errorf("seal connection: %w", err)
	}
	if c.Teams == nil {
		c.Teams = []string{}
	}
	_, err = d.db.Collection(colConnections).InsertOne(ctx, connDoc{Connection: *c, Sealed: sealed})
	if mongo.IsDuplicateKeyError(err) {
		return model.Errorf(model.ECONFLICT, "connection %q already exists: delete it first or pick another name", c.Name)
	}
	return translate(err)
}

// Connection returns a connection (without its URI); ENOTFOUND if none.
func (d *DB) Connection(ctx context.Context, name string) (*model.Connection, error) {
	var doc connDoc
	err := d.db.Collection(colConnections).FindOne(ctx, bson.D{{Key: "_id", Value: name}},
		options.FindOne().SetProjection(bson.D{{Key: "sealed", Value: 0}})).Decode(&doc)
	if err != nil {
		return nil, notFound(err, "connection %q", name)
	}
	return &doc.Connection, nil
}

// ConnectionURI opens a connection's sealed URI or DSN; ENOTFOUND if none.
func (d *DB) ConnectionURI(ctx context.Context, name string) (string, error) {
	var doc connDoc
	if err := d.db.Collection(colConnections).FindOne(ctx, bson.D{{Key: "_id", Value: name}}).Decode(&doc); err != nil {
		return "", notFound(err, "connection %q", name)
	}
	keys := d.Keyring()
	if keys == nil {
		return "", errNoConnKey
	}
	b, err := keys.Open(connPlace(name), doc.Sealed)
	if err != nil {
		// Names key ids at most, never secrets.
		return "", model.Errorf(model.EUNAVAILABLE, "connection %q cannot be opened with this server's keys (%v): configure the key that sealed it in MMS_ENCRYPTION_OLD_KEYS", name, err)
	}
	return string(b), nil
}

// Connections returns every connection (without URIs), by name.
func (d *DB) Connections(ctx context.Context) ([]*model.Connection, error) {
	cur, err := d.db.Collection(colConnections).Find(ctx, bson.D{},
		options.Find().SetProjection(bson.D{{Key: "sealed", Value: 0}}).SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	out := []*model.Connection{}
	err = each(ctx, cur, func(doc *connDoc) error {
		c := doc.Connection
		out = append(out, &c)
		return nil
	})
	return out, err
}

// DeleteConnection removes and returns a connection; ENOTFOUND if none.
func (d *DB) DeleteConnection(ctx context.Context, name string) (*model.Connection, error) {
	c, err := d.Connection(ctx, name)
	if err != nil {
		return nil, err
	}
	res, err := d.db.Collection(colConnections).DeleteOne(ctx, bson.D{{Key: "_id", Value: name}})
	if err != nil {
		return nil, translate(err)
	}
	if res.DeletedCount == 0 {
		return nil, model.Errorf(model.ENOTFOUND, "connection %q not found", name)
	}
	return c, nil
}

// ensureIdentity writes, once per store, a random marker in meta and keeps it:
// ReadCollection reads the same document through a source's own connection,
// and a match means the source is this store, whatever address reached it.
func (d *DB) ensureIdentity(ctx context.Context) error {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	col := d.db.Collection(colMeta)
	_, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: identityID}},
		bson.D{{Key: "$setOnInsert", Value: bson.D{{Key: "marker", Value: hex.EncodeToString(b)}}}}, options.UpdateOne().SetUpsert(true))
	if err != nil && !mongo.IsDuplicateKeyError(err) { // a concurrent first start
		return fmt.Errorf("store identity: %w", translate(err))
	}
	var doc struct {
		Marker string `bson:"marker"`
	}
	if err := col.FindOne(ctx, bson.D{{Key: "_id", Value: identityID}}).Decode(&doc); err != nil || doc.Marker == "" {
		return fmt.Errorf("store identity: read back: %w", translate(err))
	}
	d.identity = doc.Marker
	return nil
}

// ErrOwnStore is returned when a source turns out to be this server's own store.
var ErrOwnStore = model.Errorf(model.EFORBIDDEN, "the source is this server's own store, which is never an ingestion source")

// isOwnStore reads the identity marker through a source's client: the same
// marker in the same database means the source is this store. A source whose
// credentials may not read that database cannot read this store's data either.
func (d *DB) isOwnStore(ctx context.Context, c *mongo.Client) (bool, error) {
	if d.identity == "" {
		return false, errors.New("store identity unknown (EnsureIndexes not run)")
	}
	var doc struct {
		Marker string `bson:"marker"`
	}
	err := c.Database(d.db.Name()).Collection(colMeta).FindOne(ctx, bson.D{{Key: "_id", Value: identityID}}).Decode(&doc)
	var se mongo.ServerError
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		return false, nil
	case errors.As(err, &se) && (se.HasErrorCode(13) || se.HasErrorCode(18)): // Unauthorized, AuthenticationFailed on that db
		return false, nil
	case err != nil:
		return false, err
	}
	return doc.Marker == d.identity, nil
}

// SourceHosts parses a MongoDB URI given as a source and returns its hosts
// (host:port, or a Unix socket path), with the default port filled in.
func (d *DB) SourceHosts(uri string) ([]string, error) {
	cs, err := connstring.ParseAndValidate(uri)
	if err != nil {
		return nil, model.Errorf(model.EINVALID, "not a valid MongoDB URI: use mongodb://host:port/ or mongodb+srv://host/")
	}
	return normHosts(cs.Hosts, "27017"), nil
}

func normHosts(hosts []string, defPort string) []string {
	out := make([]string, 0, len(hosts))
	for _, h := range hosts {
		if strings.HasSuffix(h, ".sock") || strings.HasPrefix(h, "/") {
			out = append(out, filepath.Clean(h))
			continue
		}
		if _, _, err := net.SplitHostPort(h); err != nil {
			h = net.JoinHostPort(strings.Trim(h, "[]"), defPort)
		}
		out = append(out, h)
	}
	return out
}

// StoreAddrs returns the addresses of this server's own store: the hosts of
// its URI and the embedded store's listener.
func (d *DB) StoreAddrs() []string {
	var out []string
	if d.uri != "" {
		if cs, err := connstring.Parse(d.uri); err == nil {
			out = normHosts(cs.Hosts, "27017")
		}
	}
	for _, e := range []*Embedded{d.local, d.embedded} {
		if e != nil && e.Addr != "" {
			out = append(out, e.Addr)
		}
	}
	return out
}

// RotateConnections seals again, with the current key, every connection URI
// sealed with an older one, and returns how many it re-sealed. Run by
// `mms keys rotate` beside the datasets' values.
func (d *DB) RotateConnections(ctx context.Context) (int, error) {
	keys := d.Keyring()
	if keys == nil {
		return 0, errNoConnKey
	}
	col := d.db.Collection(colConnections)
	cur, err := col.Find(ctx, bson.D{})
	if err != nil {
		return 0, translate(err)
	}
	var docs []connDoc
	if err := cur.All(ctx, &docs); err != nil {
		return 0, translate(err)
	}
	n := 0
	for _, doc := range docs {
		if id, err := fieldcrypt.KeyID(doc.Sealed); err == nil && id == keys.CurrentID() {
			continue
		}
		plain, err := keys.Open(connPlace(doc.Name), doc.Sealed)
		if err != nil {
			return n, fmt.Errorf("connection %q: %w", doc.Name, err)
		}
		sealed, err := keys.Seal(connPlace(doc.Name), plain)
		if err != nil {
			return n, err
		}
		if _, err := col.UpdateOne(ctx, bson.D{{Key: "_id", Value: doc.Name}, {Key: "sealed", Value: doc.Sealed}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "sealed", Value: sealed}}}}); err != nil {
			return n, translate(err)
		}
		n++
	}
	return n, nil
}
