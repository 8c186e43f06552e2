package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/mms-platform/mms/model"
)

const (
	colJobs      = "jobs"
	colJobClaims = "job_claims"
	colLocks     = "locks"
	colCancels   = "job_cancels"
)

type jobDoc struct {
	ID              string          `bson:"_id"`
	Kind            string          `bson:"kind"`
	Status          string          `bson:"status"`
	Progress        float64         `bson:"progress"`
	Detail          model.JobDetail `bson:"detail"`
	Error           *string         `bson:"error,omitempty"`
	ErrorCode       *string         `bson:"errorCode,omitempty"`
	Result          bson.M          `bson:"result,omitempty"`
	Team            string          `bson:"team"`
	Resource        string          `bson:"resource"`
	CreatedBy       string          `bson:"createdBy"`
	Payload         string          `bson:"payload"`
	CancelRequested bool            `bson:"cancelRequested"`
	Attempts        int             `bson:"attempts"`
	LeaseOwner      string          `bson:"leaseOwner,omitempty"`
	LeaseUntil      time.Time       `bson:"leaseUntil,omitempty"`
	CreatedAt       time.Time       `bson:"createdAt"`
	StartedAt       *time.Time      `bson:"startedAt,omitempty"`
	FinishedAt      *time.Time      `bson:"finishedAt,omitempty"`
	UpdatedAt       time.Time       `bson:"updatedAt"`
}

func (d *jobDoc) toModel() *model.Job {
	j := &model.Job{
		ID: d.ID, Kind: d.Kind, Status: model.JobStatus(d.Status), Progress: d.Progress, Detail: d.Detail,
		Error: d.Error, ErrorCode: d.ErrorCode, Team: d.Team, Resource: d.Resource, CreatedBy: d.CreatedBy,
		Payload: json.RawMessage(d.Payload), CancelRequested: d.CancelRequested, Attempts: d.Attempts,
		LeaseOwner: d.LeaseOwner, LeaseUntil: d.LeaseUntil, CreatedAt: d.CreatedAt,
		StartedAt: d.StartedAt, FinishedAt: d.FinishedAt, UpdatedAt: d.UpdatedAt,
	}
	if d.Result != nil {
		j.Result = plain(d.Result).(map[string]any)
	}
	return j
}

// plain turns decoded BSON (bson.M, bson.A, bson.D) into plain Go maps and slices.
func plain(v any) any {
	switch x := v.(type) {
	case bson.M:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case bson.D:
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key] = plain(e.Value)
		}
		return m
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plain(e)
		}
		return m
	case bson.A:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = plain(e)
		}
		return l
	case []any:
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = plain(e)
		}
		return l
	case bson.DateTime:
		return x.Time().UTC()
	case int32:
		return int64(x)
	}
	return v
}

// CreateJob inserts a job.
func (d *DB) CreateJob(ctx context.Context, j *model.Job) error {
	doc := jobDoc{
		ID: j.ID, Kind: j.Kind, Status: string(j.Status), Team: j.Team, Resource: j.Resource,
		CreatedBy: j.CreatedBy, Payload: string(j.Payload), CreatedAt: j.CreatedAt, UpdatedAt: j.CreatedAt,
	}
	if j.Result != nil {
		doc.Result = bson.M(j.Result) // job(id).result names e.g. the ingestion before the job runs
	}
	_, err := d.db.Collection(colJobs).InsertOne(ctx, doc)
	return translate(err)
}

// Job returns a job; model.ENOTFOUND if none.
func (d *DB) Job(ctx context.Context, id string) (*model.Job, error) {
	var doc jobDoc
	if err := d.db.Collection(colJobs).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&doc); err != nil {
		return nil, notFound(err, "job %q", id)
	}
	return doc.toModel(), nil
}

// ClaimJob moves the oldest QUEUED job of kinds to RUNNING under owner's lease.
//
// The claim itself is an insert into job_claims keyed by the job id and attempt:
// a unique _id is the one primitive that is atomic on MongoDB and FerretDB alike
// (FerretDB runs findAndModify as a read then a write, so two instances could
// both "claim" a job with it). Whoever inserts the claim owns the job.
func (d *DB) ClaimJob(ctx context.Context, kinds []string, owner string, now, until time.Time) (*model.Job, error) {
	cur, err := d.db.Collection(colJobs).Find(ctx,
		bson.D{{Key: "status", Value: string(model.JobQueued)}, {Key: "kind", Value: bson.D{{Key: "$in", Value: kinds}}}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}}).SetLimit(20).SetProjection(bson.D{{Key: "attempts", Value: 1}}))
	if err != nil {
		return nil, translate(err)
	}
	var candidates []struct {
		ID       string `bson:"_id"`
		Attempts int    `bson:"attempts"`
	}
	if err := cur.All(ctx, &candidates); err != nil {
		return nil, translate(err)
	}
	for _, c := range candidates {
		claim := bson.D{{Key: "_id", Value: fmt.Sprintf("%s#%d", c.ID, c.Attempts+1)}, {Key: "owner", Value: owner}, {Key: "at", Value: now}}
		if _, err := d.db.Collection(colJobClaims).InsertOne(ctx, claim); err != nil {
			if mongo.IsDuplicateKeyError(err) {
				continue // another instance got it
			}
			return nil, translate(err)
		}
		var doc jobDoc
		err := d.db.Collection(colJobs).FindOneAndUpdate(ctx,
			bson.D{{Key: "_id", Value: c.ID}, {Key: "status", Value: string(model.JobQueued)}},
			bson.D{{Key: "$set", Value: bson.D{
				{Key: "status", Value: string(model.JobRunning)}, {Key: "leaseOwner", Value: owner},
				{Key: "leaseUntil", Value: until}, {Key: "startedAt", Value: now}, {Key: "updatedAt", Value: now},
				{Key: "attempts", Value: c.Attempts + 1},
			}}},
			options.FindOneAndUpdate().SetReturnDocument(options.After),
		).Decode(&doc)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue // cancelled between the read and the claim
		}
		if err != nil {
			return nil, translate(err)
		}
		if model.JobStatus(doc.Status) != model.JobRunning || doc.LeaseOwner != owner {
			continue // cancelled between the read and the claim
		}
		return doc.toModel(), nil
	}
	return nil, nil
}

// Heartbeat renews owner's lease and records progress.
func (d *DB) Heartbeat(ctx context.Context, id, owner string, until time.Time, progress float64, det model.JobDetail) (bool, error) {
	var doc struct {
		Cancel bool `bson:"cancelRequested"`
	}
	err := d.db.Collection(colJobs).FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(model.JobRunning)}, {Key: "leaseOwner", Value: owner}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "leaseUntil", Value: until}, {Key: "progress", Value: progress},
			{Key: "detail", Value: det}, {Key: "updatedAt", Value: time.Now()},
		}}},
	).Decode(&doc) // FerretDB does not support a projection in findAndModify
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, model.Errorf(model.ECONFLICT, "job %s is no longer leased by %s", id, owner)
	}
	if err != nil || doc.Cancel {
		return doc.Cancel, translate(err)
	}
	// FerretDB's findAndModify reads and then writes the whole document, so a
	// cancelRequested set between the two is lost; the request's own record,
	// which nothing rewrites, is the one to trust.
	err = d.db.Collection(colCancels).FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	return err == nil, translate(err)
}

// FinishJob records a final status if owner still holds the lease.
func (d *DB) FinishJob(ctx context.Context, id, owner string, status model.JobStatus, errCode, errMsg string, result map[string]any, det model.JobDetail, at time.Time) error {
	set := bson.D{
		{Key: "status", Value: string(status)}, {Key: "finishedAt", Value: at}, {Key: "updatedAt", Value: at},
		{Key: "leaseOwner", Value: ""}, {Key: "detail", Value: det},
	}
	if status == model.JobSucceeded {
		set = append(set, bson.E{Key: "progress", Value: 1.0})
	}
	if errMsg != "" {
		set = append(set, bson.E{Key: "error", Value: errMsg}, bson.E{Key: "errorCode", Value: errCode})
	}
	if result != nil {
		set = append(set, bson.E{Key: "result", Value: result})
	}
	res, err := d.db.Collection(colJobs).UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(model.JobRunning)}, {Key: "leaseOwner", Value: owner}},
		bson.D{{Key: "$set", Value: set}})
	if err != nil {
		return translate(err)
	}
	if res.MatchedCount == 0 {
		return model.Errorf(model.ECONFLICT, "job %s is no longer leased by %s", id, owner)
	}
	return nil
}

// RequestCancel cancels a QUEUED job at once and flags a RUNNING one.
func (d *DB) RequestCancel(ctx context.Context, id string, at time.Time) (*model.Job, error) {
	col := d.db.Collection(colJobs)
	_, err := col.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(model.JobQueued)}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "status", Value: string(model.JobCancelled)}, {Key: "cancelRequested", Value: true},
			{Key: "error", Value: "cancelled on request"}, {Key: "finishedAt", Value: at}, {Key: "updatedAt", Value: at},
		}}})
	if err != nil {
		return nil, translate(err)
	}
	// The flag on the job shows the request; a running job acts on it at its
	// next heartbeat through a record of its own (see Heartbeat). The record
	// comes last: on FerretDB an update writes back the whole document it
	// read, so an update still in flight when the job finishes would bring
	// the job back to RUNNING.
	_, err = col.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "status", Value: string(model.JobRunning)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "cancelRequested", Value: true}, {Key: "updatedAt", Value: at}}}})
	if err != nil {
		return nil, translate(err)
	}
	_, err = d.db.Collection(colCancels).InsertOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "at", Value: at}})
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return nil, translate(err)
	}
	return d.Job(ctx, id)
}

// FailExpired marks RUNNING jobs with a lapsed lease as FAILED.
func (d *DB) FailExpired(ctx context.Context, now time.Time, reason string) (int, error) {
	res, err := d.db.Collection(colJobs).UpdateMany(ctx,
		bson.D{{Key: "status", Value: string(model.JobRunning)}, {Key: "leaseUntil", Value: bson.D{{Key: "$lt", Value: now}}}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "status", Value: string(model.JobFailed)}, {Key: "error", Value: reason}, {Key: "errorCode", Value: model.EUNAVAILABLE},
			{Key: "finishedAt", Value: now}, {Key: "updatedAt", Value: now}, {Key: "leaseOwner", Value: ""},
		}}})
	if err != nil {
		return 0, translate(err)
	}
	return int(res.ModifiedCount), nil
}
