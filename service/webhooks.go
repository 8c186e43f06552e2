package service

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/mms-platform/mms/auth"
	"github.com/mms-platform/mms/jobs"
	"github.com/mms-platform/mms/model"
)

// WebhookStore keeps webhooks and their deliveries.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, w *model.Webhook) error
	Webhook(ctx context.Context, id string) (*model.Webhook, error)
	DeleteWebhook(ctx context.Context, id string) error
	// Webhooks returns a team's webhooks ("" for all).
	Webhooks(ctx context.Context, team string) ([]*model.Webhook, error)
	// CreateDeliveries queues deliveries, keeping any whose id exists.
	CreateDeliveries(ctx context.Context, ds []*model.WebhookDelivery) error
	DueDeliveries(ctx context.Context, now time.Time, limit int) ([]*model.WebhookDelivery, error)
	UpdateDelivery(ctx context.Context, d *model.WebhookDelivery) error
	// Delivery returns one delivery; model.ENOTFOUND if none.
	Delivery(ctx context.Context, id string) (*model.WebhookDelivery, error)
	Deliveries(ctx context.Context, webhook string, skip, limit int) ([]*model.WebhookDelivery, int, error)
	TryLock(ctx context.Context, name, owner string, now, until time.Time) (bool, error)
	UnlockName(ctx context.Context, name, owner string) error
}

// Webhook delivery policy.
const (
	maxDeliveryAttempts = 8
	deliveryTimeout     = 10 * time.Second
	maxWebhooksPerTeam  = 50
)

var webhookEvents = []string{model.EventIngestionFinished, model.EventTrainingFinished, model.EventBatchPredictFinished}

// CreateWebhook registers an endpoint for a team's events (admin on the team:
// owners). The signing secret is returned once.
func (s *Service) CreateWebhook(ctx context.Context, in model.CreateWebhookInput) (*model.CreatedWebhook, error) {
	var out *model.CreatedWebhook
	err := s.mutate(ctx, auth.ActAdmin, in.Team, "team/"+in.Team, "create webhook", func() error {
		if err := checkSourceURL(in.URL, s.AllowPrivateURLs); err != nil {
			return err
		}
		// Delivery refuses private addresses (outboundClient): refuse them here too.
		if err := checkURLHost(ctx, in.URL, s.AllowPrivateURLs); err != nil {
			return err
		}
		if len(in.Events) == 0 {
			return model.Errorf(model.EINVALID, "events: name at least one of %v", webhookEvents)
		}
		for _, e := range in.Events {
			if !slices.Contains(webhookEvents, e) {
				return model.Errorf(model.EINVALID, "unknown event %q: use %v", e, webhookEvents)
			}
		}
		existing, err := s.Webhooks.Webhooks(ctx, in.Team)
		if err != nil {
			return err
		}
		if len(existing) >= maxWebhooksPerTeam {
			return model.Errorf(model.EINVALID, "team %q has %d webhooks, the most allowed", in.Team, maxWebhooksPerTeam)
		}
		secret := make([]byte, 24)
		_, _ = rand.Read(secret)
		w := &model.Webhook{
			ID: jobs.NewID(), Team: in.Team, URL: in.URL, Events: slices.Compact(slices.Sorted(slices.Values(in.Events))),
			Secret: "whsec_" + hex.EncodeToString(secret), CreatedBy: model.PrincipalFromContext(ctx).ID, CreatedAt: s.now(),
		}
		if err := s.Webhooks.CreateWebhook(ctx, w); err != nil {
			return err
		}
		out = &model.CreatedWebhook{Webhook: w, Secret: w.Secret}
		return nil
	})
	return out, err
}

// DeleteWebhook removes a webhook (admin on its team).
func (s *Service) DeleteWebhook(ctx context.Context, id string) (*model.Webhook, error) {
	nf := notFound("webhook", id)
	w, err := s.Webhooks.Webhook(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActAdmin, auth.AllTeams, "webhook/"+id, nf)
		}
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActAdmin, w.Team, "team/"+w.Team, nf); err != nil {
		return nil, err
	}
	err = s.mutate(ctx, auth.ActAdmin, w.Team, "team/"+w.Team, "delete webhook "+id, func() error {
		return s.Webhooks.DeleteWebhook(ctx, id)
	})
	return w, err
}

// RedeliverWebhook queues a finished delivery of a webhook again (admin on the
// webhook's team, like its other management): the same payload and delivery
// id, so a receiver that deduplicates by X-MMS-Delivery sees one event, with a
// fresh timestamp and signature at each attempt and a new series of up to
// maxDeliveryAttempts. A pending delivery is CONFLICT: it is still being tried.
func (s *Service) RedeliverWebhook(ctx context.Context, webhookID, deliveryID string) (*model.WebhookDelivery, error) {
	nf := notFound("webhook", webhookID)
	w, err := s.Webhooks.Webhook(ctx, webhookID)
	if err != nil {
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, s.authorizeOr(ctx, auth.ActAdmin, auth.AllTeams, "webhook/"+webhookID, nf)
		}
		return nil, err
	}
	if err := s.conceal(ctx, auth.ActAdmin, w.Team, "team/"+w.Team, nf); err != nil {
		return nil, err
	}
	var out *model.WebhookDelivery
	err = s.mutate(ctx, auth.ActAdmin, w.Team, "team/"+w.Team, "redeliver webhook "+w.ID+" delivery "+deliveryID, func() error {
		d, err := s.Webhooks.Delivery(ctx, deliveryID)
		if model.ErrorCode(err) == model.ENOTFOUND || err == nil && d.Webhook != w.ID {
			return model.Errorf(model.ENOTFOUND, "webhook %q has no delivery %q: list them with webhooks { deliveries }", w.ID, deliveryID)
		}
		if err != nil {
			return err
		}
		if d.Status == model.DeliveryPending {
			return model.Errorf(model.ECONFLICT, "delivery %q is still pending (%d of %d attempts made): redeliver it once it has failed or been delivered",
				d.ID, d.Attempts, maxDeliveryAttempts)
		}
		now := s.now()
		d.Status, d.Attempts, d.NextAttemptAt = model.DeliveryPending, 0, &now
		d.DeliveredAt, d.LastError, d.LastStatusCode = nil, nil, nil
		if err := s.Webhooks.UpdateDelivery(ctx, d); err != nil {
			return err
		}
		out = d
		return nil
	})
	if err != nil {
		return nil, err
	}
	select {
	case s.deliverNow <- struct{}{}:
	default:
	}
	return out, nil
}

// ListWebhooks returns a team's webhooks (admin on the team).
func (s *Service) ListWebhooks(ctx context.Context, team string) ([]*model.Webhook, error) {
	if err := s.authorize(ctx, auth.ActAdmin, team, "team/"+team); err != nil {
		return nil, err
	}
	return s.Webhooks.Webhooks(ctx, team)
}

// WebhookDeliveries pages through a webhook's delivery log, newest first.
func (s *Service) WebhookDeliveries(ctx context.Context, w *model.Webhook, first *int, after *string) (*model.WebhookDeliveryConnection, error) {
	if err := s.authorize(ctx, auth.ActAdmin, w.Team, "team/"+w.Team); err != nil {
		return nil, err
	}
	n, err := pageSize(first)
	if err != nil {
		return nil, err
	}
	skip, paged, err := decodeIntCursor("dlv", after, 0)
	if err != nil {
		return nil, err
	}
	ds, total, err := s.Webhooks.Deliveries(ctx, w.ID, skip, n+1)
	if err != nil {
		return nil, err
	}
	conn := &model.WebhookDeliveryConnection{Edges: []*model.WebhookDeliveryEdge{}, PageInfo: &model.PageInfo{}, TotalCount: total}
	if len(ds) > n {
		ds, conn.PageInfo.HasNextPage = ds[:n], true
	}
	for i, d := range ds {
		conn.Edges = append(conn.Edges, &model.WebhookDeliveryEdge{Cursor: encodeCursor("dlv", strconv.Itoa(skip+i+1)), Node: d})
	}
	setPageInfo(conn.PageInfo, len(conn.Edges), func(i int) string { return conn.Edges[i].Cursor }, paged)
	return conn, nil
}

// jobEvents maps job kinds to webhook events.
var jobEvents = map[string]string{
	JobKindIngest: model.EventIngestionFinished, JobKindTrain: model.EventTrainingFinished,
	JobKindBatchPredict: model.EventBatchPredictFinished,
}

// jobFinished queues a delivery to every webhook of the job's team that asked for
// its event. The delivery id is the job's and the webhook's, so a job finished
// twice notifies once.
func (s *Service) jobFinished(ctx context.Context, j *model.Job, status model.JobStatus, errMsg string, result map[string]any) {
	event, ok := jobEvents[j.Kind]
	if !ok || s.Webhooks == nil {
		return
	}
	hooks, err := s.Webhooks.Webhooks(ctx, j.Team)
	if err != nil {
		s.Log.Warn("webhooks for finished job", "job", j.ID, "err", err)
		return
	}
	now := s.now()
	payload := map[string]any{
		"event": event, "job": j.ID, "kind": j.Kind, "team": j.Team, "resource": j.Resource,
		"status": string(status), "result": result, "at": now.Format(time.RFC3339Nano),
	}
	if errMsg != "" {
		payload["error"] = errMsg
	}
	payload, _ = jsonShape(payload).(map[string]any)
	var ds []*model.WebhookDelivery
	for _, h := range hooks {
		if slices.Contains(h.Events, event) {
			ds = append(ds, &model.WebhookDelivery{
				ID: j.ID + "-" + h.ID, Webhook: h.ID, Event: event, Status: model.DeliveryPending,
				Payload: payload, CreatedAt: now, NextAttemptAt: &now,
			})
		}
	}
	if err := s.Webhooks.CreateDeliveries(ctx, ds); err != nil {
		s.Log.Warn("queue webhook deliveries", "job", j.ID, "err", err)
	}
	if len(ds) > 0 {
		select {
		case s.deliverNow <- struct{}{}:
		default:
		}
	}
}

// RunWebhooks delivers due webhook events until ctx ends. Each delivery is
// leased by one instance at a time; failures are retried with exponential
// backoff (WebhookBackoff, doubling, at most an hour) up to maxDeliveryAttempts.
func (s *Service) RunWebhooks(ctx context.Context) {
	owner := "webhooks-" + jobs.NewID()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.deliverNow:
		}
		due, err := s.Webhooks.DueDeliveries(ctx, s.now(), 20)
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("due webhook deliveries", "err", err)
			}
			continue
		}
		for _, d := range due {
			now := time.Now()
			ok, err := s.Webhooks.TryLock(ctx, "delivery:"+d.ID, owner, now, now.Add(2*deliveryTimeout))
			if err != nil || !ok {
				continue
			}
			s.deliver(ctx, d)
			_ = s.Webhooks.UnlockName(context.WithoutCancel(ctx), "delivery:"+d.ID, owner)
		}
	}
}

// deliver makes one attempt and records it.
func (s *Service) deliver(ctx context.Context, d *model.WebhookDelivery) {
	h, err := s.Webhooks.Webhook(ctx, d.Webhook)
	if model.ErrorCode(err) == model.ENOTFOUND {
		d.Status = model.DeliveryFailed
		msg := "webhook deleted"
		d.LastError, d.NextAttemptAt = &msg, nil
		_ = s.Webhooks.UpdateDelivery(ctx, d)
		return
	}
	if err != nil {
		return
	}
	body, _ := json.Marshal(d.Payload)
	d.Attempts++
	code, err := s.post(ctx, h, d, body)
	now := s.now()
	d.LastStatusCode, d.LastError = nil, nil
	if code > 0 {
		d.LastStatusCode = &code
	}
	switch {
	case err == nil && code >= 200 && code < 300:
		d.Status, d.DeliveredAt, d.NextAttemptAt = model.DeliveryDelivered, &now, nil
	default:
		msg := fmt.Sprintf("status %d", code)
		if err != nil {
			msg = model.ErrorMessage(err)
			if model.ErrorCode(err) == model.EINTERNAL {
				msg = err.Error()
			}
		}
		d.LastError = &msg
		if d.Attempts >= maxDeliveryAttempts {
			d.Status, d.NextAttemptAt = model.DeliveryFailed, nil
		} else {
			backoff := s.WebhookBackoff
			if backoff <= 0 {
				backoff = 2 * time.Second
			}
			wait := min(backoff<<(d.Attempts-1), time.Hour)
			next := now.Add(wait)
			d.NextAttemptAt = &next
		}
	}
	if err := s.Webhooks.UpdateDelivery(context.WithoutCancel(ctx), d); err != nil {
		s.Log.Warn("record webhook delivery", "delivery", d.ID, "err", err)
	}
}

// post sends one signed delivery: X-MMS-Signature is "sha256=" and the hex
// HMAC-SHA256 of the timestamp, a dot and the body, keyed by the webhook's secret.
func (s *Service) post(ctx context.Context, h *model.Webhook, d *model.WebhookDelivery, body []byte) (int, error) {
	ts := strconv.FormatInt(time.Now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "mms-webhooks")
	req.Header.Set("X-MMS-Event", d.Event)
	req.Header.Set("X-MMS-Delivery", d.ID)
	req.Header.Set("X-MMS-Timestamp", ts)
	req.Header.Set("X-MMS-Signature", "sha256="+SignWebhook(h.Secret, ts, body))
	resp, err := s.outboundClient(deliveryTimeout).Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, nil
}

// SignWebhook returns the hex HMAC-SHA256 of timestamp + "." + body under secret:
// what a receiver recomputes to check X-MMS-Signature.
func SignWebhook(secret, timestamp string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}
