package mongodb

import (
	"context"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Exists reports whether the database holds any collection (MongoDB has no
// empty databases), so that a tool pointed at a misspelt database says so
// rather than reading nothing. others lists the store's other databases when
// the connection may list them (nil otherwise).
func (d *DB) Exists(ctx context.Context) (exists bool, others []string, err error) {
	names, err := d.db.ListCollectionNames(ctx, bson.D{})
	if err != nil {
		return false, nil, translate(err)
	}
	if len(names) > 0 {
		return true, nil, nil
	}
	all, err := d.client.ListDatabaseNames(ctx, bson.D{})
	if err != nil {
		return false, nil, nil
	}
	for _, n := range all {
		switch n {
		case d.db.Name(), "admin", "local", "config":
		default:
			others = append(others, n)
		}
	}
	sort.Strings(others)
	return false, others, nil
}
