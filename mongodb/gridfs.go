package mongodb

import (
	"context"
	"errors"
	"fmt"
	"io"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// gridChunksPerRead is how many GridFS chunks one read asks for: 32 chunks of
// the default 255 KiB are 8 MiB, well under the 48 MB a reply may hold.
const gridChunksPerRead = 32

// openGridFile streams the GridFS file id of bucket, reading its chunks by
// ranges of chunk numbers, gridChunksPerRead at a time. The driver's own
// download stream asks for every chunk in one cursor and leaves the size of
// each reply to the server: MongoDB keeps replies under 16 MB, but FerretDB
// over PostgreSQL answers with as many chunks as the batch count allows, and a
// reply over the wire protocol's 48 MB is refused by the driver ("length of
// read message too large"), so a large upload could never be read back there.
// It returns mongo.ErrFileNotFound when there is no such file.
func (d *DB) openGridFile(ctx context.Context, bucket string, id any) (io.ReadCloser, int64, error) {
	var file struct {
		Length    int64 `bson:"length"`
		ChunkSize int32 `bson:"chunkSize"`
	}
	err := d.db.Collection(bucket+".files").FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&file)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, 0, mongo.ErrFileNotFound
	}
	if err != nil {
		return nil, 0, translate(err)
	}
	chunks := int64(0)
	if file.ChunkSize > 0 {
		chunks = (file.Length + int64(file.ChunkSize) - 1) / int64(file.ChunkSize)
	}
	return &gridReader{ctx: ctx, coll: d.db.Collection(bucket + ".chunks"), id: id, chunks: chunks, left: file.Length}, file.Length, nil
}

// gridReader reads a GridFS file's chunks in order, a range at a time.
type gridReader struct {
	ctx    context.Context
	coll   *mongo.Collection
	id     any
	chunks int64 // chunks in the file
	next   int64 // number of the next chunk to fetch
	left   int64 // bytes of the file not yet returned
	buf    [][]byte
}

func (r *gridReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 || len(r.buf[0]) == 0 {
		if len(r.buf) > 0 {
			r.buf = r.buf[1:]
			continue
		}
		if r.left <= 0 {
			return 0, io.EOF
		}
		if err := r.fetch(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf[0])
	r.buf[0] = r.buf[0][n:]
	r.left -= int64(n)
	return n, nil
}

// fetch reads the next range of chunks, checking that none is missing.
func (r *gridReader) fetch() error {
	if r.next >= r.chunks {
		return fmt.Errorf("gridfs file %v: %d bytes missing after its last chunk", r.id, r.left)
	}
	end := min(r.next+gridChunksPerRead, r.chunks)
	cur, err := r.coll.Find(r.ctx,
		bson.D{{Key: "files_id", Value: r.id}, {Key: "n", Value: bson.D{{Key: "$gte", Value: r.next}, {Key: "$lt", Value: end}}}},
		options.Find().SetSort(bson.D{{Key: "n", Value: 1}}).SetProjection(bson.D{{Key: "n", Value: 1}, {Key: "data", Value: 1}}))
	if err != nil {
		return translate(err)
	}
	defer cur.Close(r.ctx)
	for cur.Next(r.ctx) {
		var c struct {
			N    int64  `bson:"n"`
			Data []byte `bson:"data"`
		}
		if err := cur.Decode(&c); err != nil {
			return err
		}
		if c.N != r.next {
			return fmt.Errorf("gridfs file %v: chunk %d missing", r.id, r.next)
		}
		r.buf = append(r.buf, c.Data)
		r.next++
	}
	if err := cur.Err(); err != nil {
		return translate(err)
	}
	if r.next != end {
		return fmt.Errorf("gridfs file %v: chunk %d missing", r.id, r.next)
	}
	return nil
}

// Close releases nothing: each range's cursor is closed when it is read.
func (r *gridReader) Close() error { return nil }
