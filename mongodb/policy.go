package mongodb

import (
	"context"
	"strconv"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Casbin rules live in casbin_rules, one document per rule whose _id is the rule
// itself (its fields joined), which makes adds and removes idempotent without
// transactions. Every change bumps meta/policy.rev so other instances reload.

type ruleDoc struct {
	ID    string   `bson:"_id"`
	PType string   `bson:"ptype"`
	V     []string `bson:"v"`
}

func ruleID(rule []string) string { return strings.Join(rule, "\x1f") }

// LoadRules returns every rule as [ptype, v0, v1, ...].
func (d *DB) LoadRules(ctx context.Context) ([][]string, error) {
	cur, err := d.db.Collection(colRules).Find(ctx, bson.D{})
	if err != nil {
		return nil, translate(err)
	}
	var docs []ruleDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, translate(err)
	}
	out := make([][]string, len(docs))
	for i, r := range docs {
		out[i] = append([]string{r.PType}, r.V...)
	}
	return out, nil
}

// AddRules stores rules; rules that exist are left as they are.
func (d *DB) AddRules(ctx context.Context, rules [][]string) error {
	if len(rules) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(rules))
	for i, r := range rules {
		doc := ruleDoc{ID: ruleID(r), PType: r[0], V: r[1:]}
		models[i] = mongo.NewReplaceOneModel().SetFilter(bson.D{{Key: "_id", Value: doc.ID}}).SetReplacement(doc).SetUpsert(true)
	}
	if _, _, err := d.bulkUpdate(ctx, d.db.Collection(colRules), models); err != nil {
		return err
	}
	return d.bumpPolicy(ctx)
}

// RemoveRules deletes rules; missing ones are ignored.
func (d *DB) RemoveRules(ctx context.Context, rules [][]string) error {
	if len(rules) == 0 {
		return nil
	}
	ids := make([]string, len(rules))
	for i, r := range rules {
		ids[i] = ruleID(r)
	}
	if _, err := d.db.Collection(colRules).DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}}); err != nil {
		return translate(err)
	}
	return d.bumpPolicy(ctx)
}

// RemoveFilteredRules deletes the rules of ptype whose fields from fieldIndex on
// equal values ("" matches anything).
func (d *DB) RemoveFilteredRules(ctx context.Context, ptype string, fieldIndex int, values ...string) error {
	filter := bson.D{{Key: "ptype", Value: ptype}}
	for i, v := range values {
		if v != "" {
			filter = append(filter, bson.E{Key: "v." + strconv.Itoa(fieldIndex+i), Value: v})
		}
	}
	if _, err := d.db.Collection(colRules).DeleteMany(ctx, filter); err != nil {
		return translate(err)
	}
	return d.bumpPolicy(ctx)
}

// PolicyRevision returns the policy change counter.
func (d *DB) PolicyRevision(ctx context.Context) (int64, error) {
	var doc struct {
		Rev int64 `bson:"rev"`
	}
	err := d.db.Collection(colMeta).FindOne(ctx, bson.D{{Key: "_id", Value: "policy"}}).Decode(&doc)
	if err == mongo.ErrNoDocuments {
		return 0, nil
	}
	return doc.Rev, translate(err)
}

func (d *DB) bumpPolicy(ctx context.Context) error {
	_, err := d.db.Collection(colMeta).UpdateOne(ctx, bson.D{{Key: "_id", Value: "policy"}},
		bson.D{{Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}}}, options.UpdateOne().SetUpsert(true))
	return translate(err)
}
