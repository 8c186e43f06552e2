/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** An annotation task to create over a dataset's documents. */
export type AnnotationTaskInput = {
  /** The owner's decision that the listed annotators may read sensitive text: needed when the text field, a where filter or a gazetteer field is sensitive. Only callers with share rights (OWNER, ADMIN) and read-sensitive on the dataset may give it, with annotators listed; audited as grant-sensitive-text. */
  allowSensitiveText?: boolean | null | undefined;
  /** Principal ids (as me { id } returns them) who annotate; empty: every annotator of the team. */
  annotators?: Array<string> | null | undefined;
  /** The dataset whose documents are annotated. */
  dataset: string;
  /** Pre-annotation: dictionaries of terms per label, given or drawn from structured data. */
  gazetteer?: Array<GazetteerInput> | null | undefined;
  /** Instructions shown to annotators (Markdown). */
  guidelines?: string | null | undefined;
  /** Slug of the task. */
  id: string;
  /** How many annotators label each item (default 1). */
  overlap?: number | null | undefined;
  /** Pre-annotation: regular expressions per label. */
  patterns?: Array<PatternInput> | null | undefined;
  /** ...or a seeded random sample of this many. */
  sample?: number | null | undefined;
  /** The label schema annotators use. */
  schema: string;
  /** Seed of the sample (default 0). */
  seed?: number | null | undefined;
  /** The field holding each document's text. */
  textField: string;
  /** Select documents with a filter... */
  where?: Array<FieldFilter> | null | undefined;
};

/** Audit filters; all given conditions must hold. */
export type AuditFilter = {
  /** Only records of this action. */
  action?: string | null | undefined;
  /** Only records of this principal id (or anonymous). */
  actor?: string | null | undefined;
  /** Only allow or only deny records. */
  decision?: string | null | undefined;
  /** Only records about this resource, e.g. dataset/<id>. */
  resource?: string | null | undefined;
  /** Only records at or after this time. */
  since?: string | null | undefined;
  /** Only records before this time. */
  until?: string | null | undefined;
};

/** How to read a CSV source. */
export type CsvOptionsInput = {
  /** Column names when header is false, in order. */
  columns?: Array<string> | null | undefined;
  /** One character separating values (default ,). */
  delimiter?: string | null | undefined;
  /** utf-8, gbk, gb18030 or auto */
  encoding?: string | null | undefined;
  /** false: the first row is data; give columns. */
  header?: boolean | null | undefined;
};

/** Dataset-level checks of an ingestion, run after its rows. */
export type ChecksInput = {
  /** Largest fraction of missing values allowed: a number for every field, or {field: ratio}. */
  maxNullRatio?: unknown;
  /** Abort when more than this fraction of rows is rejected (default 1: never). */
  maxRejectRatio?: number | null | undefined;
  /** Fail unless at least this many rows were written. */
  minRows?: number | null | undefined;
  /** Fields whose values must not repeat among the rows. */
  unique?: Array<string> | null | undefined;
};

/** MERGE: what to do when a field already holds a different value. */
export type ConflictPolicy =
  /** Keep the value already stored. */
  | 'KEEP'
  /** Take the new value. */
  | 'OVERWRITE'
  /** Reject the row (the default). */
  | 'REJECT';

/** An API key to create. */
export type CreateApiKeyInput = {
  /** When it stops working; omitted: never. */
  expiresAt?: string | null | undefined;
  /** A label to recognise the key by. */
  name: string;
  /** Its role in the team; owners may give any role but ADMIN. */
  role: Role;
  /** The team the key acts for. */
  team: string;
};

/** A dataset to create. */
export type CreateDatasetInput = {
  /** What the data is, for people. */
  description?: string | null | undefined;
  /** The schema. Without one, the first ingestion's inferred schema is taken. */
  fields?: Array<FieldSpecInput> | null | undefined;
  /** Slug: lower-case letters, digits, - and _, at most 63 characters. */
  id: string;
  /** The field whose normalized value is each document's key. */
  keyField?: string | null | undefined;
  /** Human-readable name. */
  name: string;
  /** The owning team. */
  team: string;
};

/** One argument of an event. */
export type EventArgInput = {
  /** A role of the event type. */
  role: string;
  /** The span's id. */
  span: string;
};

/** An event: its trigger span and arguments. */
export type EventInput = {
  /** The spans filling the event's roles. */
  arguments: Array<EventArgInput>;
  /** The trigger span's id. */
  trigger: string;
  /** An event type of the schema. */
  type: string;
};

/** One role of an event type. */
export type EventRoleInput = {
  /** Entity labels a span filling the role may carry; omitted or empty: any. */
  labels?: Array<string> | null | undefined;
  /** The role's name, e.g. drug. */
  name: string;
};

/** An event type: the trigger span's label and the roles, each with the entity labels it allows. */
export type EventTypeInput = {
  /** The event's name, e.g. prescription. */
  name: string;
  /** The roles its arguments fill. */
  roles: Array<EventRoleInput>;
  /** The entity label of the trigger span. */
  trigger: string;
};

/** op: eq ne gt gte lt lte in nin exists regex contains. field: a field name, or a dotted path into a json field. */
export type FieldFilter = {
  /** A field name, or a dotted path into a json field. */
  field: string;
  /** eq, ne, gt, gte, lt, lte, in, nin, exists, regex or contains. */
  op: string;
  /** The value to compare with: a list for in and nin, a boolean for exists, an RE2 pattern for regex. */
  value?: unknown;
};

/** A sort key. */
export type FieldOrder = {
  /** Sort descending (default false: ascending). */
  desc?: boolean | null | undefined;
  /** A field name, or a dotted path into a json field. */
  field: string;
};

/** One field of a dataset's schema and its checks. */
export type FieldSpecInput = {
  /** The only allowed values. */
  enum?: Array<string> | null | undefined;
  /** Largest allowed numeric value, inclusive. */
  max?: number | null | undefined;
  /** Smallest allowed numeric value, inclusive. */
  min?: number | null | undefined;
  /** The field's name in documents. */
  name: string;
  /** A regular expression (RE2) every string value must match. */
  pattern?: string | null | undefined;
  /** Reject documents without a value (default false). */
  required?: boolean | null | undefined;
  /** Seal values at rest and hide them from callers without read-sensitive (default false; needs MMS_ENCRYPTION_KEY). */
  sensitive?: boolean | null | undefined;
  /** The type values are checked against. */
  type: FieldType;
  /** The unit of measure, for people (not checked). */
  unit?: string | null | undefined;
};

/** The type a field's values are checked against and stored as. */
export type FieldType =
  /** true or false (also read from yes/no, y/n, t/f, on/off, 1/0). */
  | 'BOOL'
  /** One of a small set of labels; one-hot encoded as a feature. */
  | 'CATEGORY'
  /** Calendar date or timestamp, stored in RFC 3339. */
  | 'DATE'
  /** Real number. */
  | 'FLOAT'
  /** Whole number. */
  | 'INT'
  /** Any nested JSON value, filterable by dotted path. */
  | 'JSON'
  /** Short text kept as given (identifiers, codes, names). */
  | 'STRING'
  /** Long text for annotation and the text classifier. */
  | 'TEXT';

/** MEDIA: image, audio or video files (a zip archive, one file, or several in files); one document per file. */
export type Format =
  /** Comma- (or delimiter-) separated values, with a header row unless csv.header is false. */
  | 'CSV'
  /** A JSON array of objects (or one inside the object, see jsonPath). */
  | 'JSON'
  /** Image, audio or video files; one document per file. */
  | 'MEDIA'
  /** One JSON object per line. */
  | 'NDJSON';

/** Terms that suggest a label: listed, or a dataset's keys (e.g. patients P0001...), or the distinct values of one of its fields (e.g. drug names). */
export type GazetteerInput = {
  /** Draw terms from this dataset: its keys, or the values of field. */
  dataset?: string | null | undefined;
  /** With dataset: the field whose distinct values are the terms. */
  field?: string | null | undefined;
  /** The entity label a match suggests. */
  label: string;
  /** Terms to match, as given. */
  terms?: Array<string> | null | undefined;
};

/** What to ingest, from where, and how rows become documents. */
export type IngestInput = {
  /** Dataset-level checks run at the end (minimum rows, uniqueness, null ratios, reject ratio). */
  checks?: ChecksInput | null | undefined;
  /** MERGE only: what a differing value does (default REJECT). */
  conflict?: ConflictPolicy | null | undefined;
  /** CSV options: delimiter, header, encoding, columns. */
  csv?: CsvOptionsInput | null | undefined;
  /** The dataset to write into; you need write on it. */
  dataset: string;
  /** Exactly one source: an upload, an http(s) URL, inline records, a MongoDB collection or a SQL query (through a registered connection). */
  file?: File | null | undefined;
  /** MEDIA only: several files in one request. */
  files?: Array<File> | null | undefined;
  /** The source's format. */
  format: Format;
  /** JSON: dotted path to the array inside the top-level object. */
  jsonPath?: string | null | undefined;
  /** How to build each document's key; default: the dataset's keyField, else source:row. */
  key?: KeySpecInput | null | undefined;
  /** Rename source fields (from) to dataset fields (to); unmapped fields keep their names. */
  mapping?: Array<MappingInput> | null | undefined;
  /** How rows meet existing documents (default UPSERT). */
  mode?: WriteMode | null | undefined;
  /** A MongoDB collection to read. */
  mongo?: MongoSourceInput | null | undefined;
  /** What a bad row does (default SKIP). */
  onError?: OnError | null | undefined;
  /** Inline records (objects), for small loads. */
  records?: Array<unknown> | null | undefined;
  /** Cleaning rules, in order. Each is an object with an op: trim, lower, upper, number, map, missing, date, derive, impute, dedupe. */
  rules?: Array<unknown> | null | undefined;
  /** Names the source; with no key field, a document's key is source:row. */
  source: string;
  /** The whole ingestion spec (mapping, key, rules, fields, checks) as JSON, e.g. a rules file. The typed fields below override its parts. */
  spec?: unknown;
  /** A SQL query to run. */
  sql?: SqlSourceInput | null | undefined;
  /** An http(s) URL to fetch (private addresses refused unless MMS_ALLOW_PRIVATE_URLS). */
  url?: string | null | undefined;
};

/** Where a job is in its life; SUCCEEDED, FAILED and CANCELLED are final. */
export type JobStatus =
  /** Stopped by cancelJob. */
  | 'CANCELLED'
  /** Stopped on an error; error and errorCode say why. */
  | 'FAILED'
  /** Waiting for a worker. */
  | 'QUEUED'
  /** Claimed by a worker and in progress. */
  | 'RUNNING'
  /** Finished; result says what it produced. */
  | 'SUCCEEDED';

/** How a source value becomes a document key: P0001, 1 and p-1 all become P0001 with prefix P and digits 4. */
export type KeySpecInput = {
  /** upper or lower */
  case?: string | null | undefined;
  /** Left-pad the number part with zeros to this many digits. */
  digits?: number | null | undefined;
  /** The source field holding the key. */
  from: string;
  /** Letters that begin every key (added when missing, upper-cased by default). */
  prefix?: string | null | undefined;
};

/** A label schema to create: the entity, relation, event and document labels annotators may use. */
export type LabelSchemaInput = {
  /** Document classes. */
  classes?: Array<string> | null | undefined;
  /** Entity labels spans may carry. */
  entities: Array<string>;
  /** Event types: a trigger span and role arguments. */
  events?: Array<EventTypeInput> | null | undefined;
  /** Slug of the schema, unique in the team. */
  id: string;
  /** Documents may take several classes. */
  multiLabel?: boolean | null | undefined;
  /** Relation types between spans. */
  relations?: Array<RelationTypeInput> | null | undefined;
  /** The owning team. */
  team: string;
};

/** A rename of one source field. */
export type MappingInput = {
  /** The source's field name. */
  from: string;
  /** The dataset's field name. */
  to: string;
};

/** A MongoDB collection to ingest. */
export type MongoSourceInput = {
  /** The collection to read. */
  collection: string;
  /** A registered connection of kind MONGODB (see createConnection). */
  connection?: string | null | undefined;
  /** The database to read. */
  database: string;
  /** A MongoDB query document selecting what to read; omitted: everything. */
  filter?: unknown;
  /** A raw URI: refused unless the server allows raw sources (MMS_ALLOW_RAW_SOURCES, single-tenant installs). */
  uri?: string | null | undefined;
};

/** SKIP: reject bad rows and go on. STOP: fail the ingestion at the first bad row. */
export type OnError =
  /** Reject the bad row and go on (the default). */
  | 'SKIP'
  /** Fail the ingestion at the first bad row; nothing after it is written. */
  | 'STOP';

/** A regular expression whose matches suggest a label. */
export type PatternInput = {
  /** The entity label a match suggests. */
  label: string;
  /** An RE2 regular expression. */
  pattern: string;
};

/** A relation between two spans. */
export type RelationInput = {
  /** The head span's id. */
  head: string;
  /** The tail span's id. */
  tail: string;
  /** A relation type of the schema. */
  type: string;
};

/** A relation type; head and tail list the entity labels allowed at each end (empty: any). */
export type RelationTypeInput = {
  /** Entity labels allowed at the head; omitted or empty: any. */
  head?: Array<string> | null | undefined;
  /** The relation's name, e.g. treats. */
  name: string;
  /** Entity labels allowed at the tail; omitted or empty: any. */
  tail?: Array<string> | null | undefined;
};

/** Which items reviewQueue lists. */
export type ReviewFilter =
  /** Every item with a submitted annotation or a gold version. */
  | 'ALL'
  /** Items whose submitted annotations differ (spans, relations, events or document labels) and that have no gold version yet. */
  | 'DISAGREE'
  /** Items with a gold version. */
  | 'REVIEWED'
  /** Items with a submitted annotation and no gold version yet. */
  | 'TO_REVIEW';

/** A role within a team. ADMIN is global. */
export type Role =
  /** Global administrator: every action on every team, and the admin-only operations (teams, connections, audit). */
  | 'ADMIN'
  /** Annotates the tasks they are assigned to; reads only what those tasks show. */
  | 'ANNOTATOR'
  /** Writes the team's datasets and models: ingest, train, batch predict, annotation tasks. */
  | 'EDITOR'
  /** Runs a team: everything on its resources, plus its API keys, webhooks and shares. */
  | 'OWNER'
  /** Another organisation's team member: reads only what is shared with the team. */
  | 'PARTNER'
  /** Reviews the team's annotation tasks (reviewItem, saveGold, decideSuggestion on the gold version) without annotating; reads no datasets. */
  | 'REVIEWER'
  /** Reads the team's datasets, models and reports, and predicts; writes nothing. */
  | 'VIEWER';

/** A SQL query whose rows to ingest. */
export type SqlSourceInput = {
  /** A registered connection of kind POSTGRESQL (see createConnection). */
  connection?: string | null | undefined;
  /** A raw PostgreSQL connection string: refused unless the server allows raw sources (MMS_ALLOW_RAW_SOURCES, single-tenant installs). */
  dsn?: string | null | undefined;
  /** A read-only SELECT; each row becomes a record. */
  query: string;
};

/** An annotation of one item: spans, relations, events and document labels. */
export type SaveAnnotationInput = {
  /** The document's key. */
  document: string;
  /** Events: a trigger span and role arguments, by span id. */
  events?: Array<EventInput> | null | undefined;
  /** Document classes from the schema. */
  labels?: Array<string> | null | undefined;
  /** Relations between the spans, by span id. */
  relations?: Array<RelationInput> | null | undefined;
  /** Entity spans; offsets are code points, end exclusive. */
  spans?: Array<SpanInput> | null | undefined;
  /** draft (default) or submitted */
  status?: string | null | undefined;
  /** The task. */
  task: string;
  /** The version read; the save fails with CONFLICT if it changed since. Omit for a first save. */
  version?: number | null | undefined;
};

/** A share to make (replacing any earlier share of the dataset with the team). */
export type ShareDatasetInput = {
  /** The dataset to share; you need share on it (owners). */
  dataset: string;
  /** When the share stops working; omitted: never. */
  expiresAt?: string | null | undefined;
  /** Limit the team to these fields (the key is always visible). */
  fields?: Array<string> | null | undefined;
  /** What the team may do with it. */
  role: ShareRole;
  /** Limit the team to rows meeting all of these conditions. */
  rowFilter?: Array<FieldFilter> | null | undefined;
  /** The team to share it with. */
  team: string;
};

/** What a team may do with a dataset shared with it. */
export type ShareRole =
  /** read, and write (ingest into the dataset) for the team's members whose own role writes datasets; an editor share cannot be limited to fields or rows */
  | 'EDITOR'
  /** read, like VIEWER; the role for partner teams of another organisation */
  | 'PARTNER'
  /** read documents, reports and the schema (within the share's fields and rows) */
  | 'VIEWER';

/** Offsets are Unicode code points, 0-based, end exclusive; text must equal that slice of the document. */
export type SpanInput = {
  /** Code point after the span's last one (end exclusive). */
  end: number;
  /** Your id for the span, unique in the annotation (e.g. T1); relations and events refer to it. */
  id: string;
  /** An entity label of the schema. */
  label: string;
  /** First code point of the span, 0-based. */
  start: number;
  /** The spanned text, exactly the document's slice [start, end). */
  text: string;
};

/** How rows become documents: INSERT refuses existing keys, UPSERT replaces a document's fields, MERGE adds fields to it. */
export type WriteMode =
  /** Write new keys only; a row whose key exists is rejected. */
  | 'INSERT'
  /** Add the row's fields to an existing document (conflict decides on differing values), or insert it. */
  | 'MERGE'
  /** Replace the fields of an existing document, or insert it. The default. */
  | 'UPSERT';

export type StudioMeQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioMeQuery = { me: { id: string, anonymous: boolean, team: string | null, role: Role | null } };

export type StudioTasksQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioTasksQuery = { annotationTasks: { totalCount: number, edges: Array<{ node: { id: string, dataset: string, schema: string, items: number, overlap: number, annotators: Array<string>, guidelines: string | null, createdAt: string } }> } };

export type StudioTaskQueryVariables = Exact<{
  task: string;
}>;


export type StudioTaskQuery = { annotationTask: { id: string, dataset: string, schema: string, items: number, overlap: number, guidelines: string | null, stats: { items: number, completeItems: number, annotators: Array<{ annotator: string, drafts: number, submitted: number }> } } | null };

export type StudioSchemaQueryVariables = Exact<{
  id: string;
}>;


export type StudioSchemaQuery = { labelSchema: { id: string, entities: Array<string>, classes: Array<string>, multiLabel: boolean, relations: Array<{ name: string, head: Array<string>, tail: Array<string> }>, events: Array<{ name: string, trigger: string, roles: Array<{ name: string, labels: Array<string> }> }> } | null };

export type StudioNextItemQueryVariables = Exact<{
  task: string;
}>;


export type StudioNextItemQuery = { nextAnnotationItem: { task: string, document: string, text: string, leaseUntil: string | null, annotation: { id: string, version: number, status: string, updatedAt: string, labels: Array<string>, spans: Array<{ id: string, start: number, end: number, label: string, text: string }>, relations: Array<{ type: string, head: string, tail: string }>, events: Array<{ type: string, trigger: string, arguments: Array<{ role: string, span: string }> }> } | null, suggestions: Array<{ id: string, status: string, source: string, rule: string, span: { id: string, start: number, end: number, label: string, text: string } }> } | null };

export type StudioSaveMutationVariables = Exact<{
  input: SaveAnnotationInput;
}>;


export type StudioSaveMutation = { saveAnnotation: { id: string, version: number, status: string, updatedAt: string } };

export type StudioDecideMutationVariables = Exact<{
  task: string;
  document: string;
  suggestion: string;
  accept: boolean;
}>;


export type StudioDecideMutation = { decideSuggestion: { task: string, document: string, text: string, leaseUntil: string | null, annotation: { id: string, version: number, status: string, updatedAt: string, labels: Array<string>, spans: Array<{ id: string, start: number, end: number, label: string, text: string }>, relations: Array<{ type: string, head: string, tail: string }>, events: Array<{ type: string, trigger: string, arguments: Array<{ role: string, span: string }> }> } | null, suggestions: Array<{ id: string, status: string, source: string, rule: string, span: { id: string, start: number, end: number, label: string, text: string } }> } };

export type StudioSkipMutationVariables = Exact<{
  task: string;
  document: string;
}>;


export type StudioSkipMutation = { skipAnnotationItem: boolean };

export type StudioReviewQueryVariables = Exact<{
  task: string;
}>;


export type StudioReviewQuery = { annotationTask: { id: string, dataset: string, schema: string, team: string, items: number, overlap: number, annotators: Array<string>, guidelines: string | null, createdAt: string, stats: { items: number, completeItems: number, goldItems: number, annotators: Array<{ annotator: string, drafts: number, submitted: number, medianSeconds: number | null }>, labels: Array<{ label: string, count: number }> } } | null };

export type StudioAgreementQueryVariables = Exact<{
  task: string;
}>;


export type StudioAgreementQuery = { agreement: { items: number, cohenKappa: number | null, fleissKappa: number | null, spanF1: number | null, spanF1ByLabel: Array<{ label: string, f1: number }> } };

export type StudioDatasetsQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioDatasetsQuery = { datasets: { totalCount: number, edges: Array<{ node: { id: string, name: string, team: string, version: number, documentCount: number, updatedAt: string } }> } };

export type StudioDatasetQueryVariables = Exact<{
  id: string;
}>;


export type StudioDatasetQuery = { dataset: { id: string, name: string, description: string | null, team: string, keyField: string | null, version: number, documentCount: number, createdAt: string, updatedAt: string, fields: Array<{ name: string, type: FieldType, required: boolean, min: number | null, max: number | null, enum: Array<string> | null, pattern: string | null, unit: string | null, sensitive: boolean }> } | null };

export type StudioDocumentsQueryVariables = Exact<{
  dataset: string;
  where?: Array<FieldFilter> | FieldFilter | null | undefined;
  orderBy?: Array<FieldOrder> | FieldOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StudioDocumentsQuery = { documents: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { key: string, fields: unknown, version: number } }> } };

export type StudioAuditQueryVariables = Exact<{
  where?: AuditFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StudioAuditQuery = { auditLog: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { seq: number, at: string, actor: string, team: string | null, action: string, resource: string, decision: string, summary: string | null, hash: string } }> } };

export type StudioVerifyAuditQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioVerifyAuditQuery = { verifyAudit: { ok: boolean, checked: number, firstBrokenSeq: number | null, signed: boolean, checkpoints: number, firstBadCheckpoint: number | null, checkpointProblem: string | null } };

export type StudioSharesQueryVariables = Exact<{
  dataset: string;
}>;


export type StudioSharesQuery = { shares: Array<{ dataset: string, team: string, role: ShareRole, fields: Array<string> | null, expiresAt: string | null, expired: boolean, createdBy: string, createdAt: string, rowFilter: Array<{ field: string, op: string, value: unknown }> }> };

export type StudioShareMutationVariables = Exact<{
  input: ShareDatasetInput;
}>;


export type StudioShareMutation = { shareDataset: { dataset: string, team: string, role: ShareRole, fields: Array<string> | null, expiresAt: string | null } };

export type StudioRevokeShareMutationVariables = Exact<{
  dataset: string;
  team: string;
}>;


export type StudioRevokeShareMutation = { revokeShare: { team: string } };

export type StudioKeysQueryVariables = Exact<{
  team: string;
}>;


export type StudioKeysQuery = { apiKeys: Array<{ id: string, name: string, team: string, role: Role, prefix: string, revoked: boolean, expiresAt: string | null, createdAt: string, lastUsedAt: string | null }> };

export type StudioCreateKeyMutationVariables = Exact<{
  input: CreateApiKeyInput;
}>;


export type StudioCreateKeyMutation = { createApiKey: { secret: string, key: { id: string, name: string, role: Role, prefix: string } } };

export type StudioRotateKeyMutationVariables = Exact<{
  id: string;
}>;


export type StudioRotateKeyMutation = { rotateApiKey: { secret: string, key: { id: string, name: string, role: Role, prefix: string } } };

export type StudioRevokeKeyMutationVariables = Exact<{
  id: string;
}>;


export type StudioRevokeKeyMutation = { revokeApiKey: { id: string, revoked: boolean } };

export type StudioModelsQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioModelsQuery = { models: { edges: Array<{ node: { id: string, team: string, dataset: string, latestVersion: number, createdAt: string, aliases: Array<{ alias: string, version: number }> } }> } };

export type StudioModelVersionQueryVariables = Exact<{
  model: string;
  version?: number | null | undefined;
}>;


export type StudioModelVersionQuery = { model: { id: string, latestVersion: number, aliases: Array<{ alias: string, version: number }> } | null, modelVersion: { model: string, version: number, aliases: Array<string>, dataset: string, datasetVersion: number, snapshotSha256: string | null, job: string, label: string, positiveClass: unknown, features: Array<string>, intercept: number, threshold: number, rows: number, createdAt: string, createdBy: string, warnings: Array<string>, coefficients: Array<{ feature: string, value: number, oddsRatio: number | null, redacted: boolean }>, train: { rows: number, accuracy: number, precision: number, recall: number, f1: number, logLoss: number, brier: number, rocAuc: number, averagePrecision: number }, test: { rows: number, accuracy: number, precision: number, recall: number, f1: number, logLoss: number, brier: number, rocAuc: number, averagePrecision: number } | null } | null };

export type StudioPredictQueryVariables = Exact<{
  model: string;
  version?: number | null | undefined;
  inputs: Array<unknown> | unknown;
}>;


export type StudioPredictQuery = { predict: Array<{ probability: number | null, label: unknown, error: string | null, warnings: Array<string>, contributions: Array<{ feature: string, value: number }> | null }> };

export type StudioReviewItemQueryVariables = Exact<{
  task: string;
  document: string;
}>;


export type StudioReviewItemQuery = { reviewItem: { task: string, document: string, text: string, annotations: Array<{ annotator: string, status: string, version: number, labels: Array<string>, spans: Array<{ id: string, start: number, end: number, label: string, text: string }>, relations: Array<{ type: string, head: string, tail: string }>, events: Array<{ type: string, trigger: string, arguments: Array<{ role: string, span: string }> }> }>, gold: { annotator: string, version: number, labels: Array<string>, spans: Array<{ id: string, start: number, end: number, label: string, text: string }>, relations: Array<{ type: string, head: string, tail: string }>, events: Array<{ type: string, trigger: string, arguments: Array<{ role: string, span: string }> }> } | null } };

export type StudioReviewQueueQueryVariables = Exact<{
  task: string;
  filter?: ReviewFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StudioReviewQueueQuery = { reviewQueue: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { document: string, annotators: Array<string>, submitted: number, drafts: number, agree: boolean | null, gold: boolean, updatedAt: string } }> } };

export type StudioSaveGoldMutationVariables = Exact<{
  input: SaveAnnotationInput;
}>;


export type StudioSaveGoldMutation = { saveGold: { version: number } };

export type StudioDatasetVersionsQueryVariables = Exact<{
  id: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StudioDatasetVersionsQuery = { dataset: { id: string, versions: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { version: number, createdAt: string, rows: number, ingestion: string | null, snapshot: { status: string, bytes: number | null, sha256: string | null } | null } }> } } | null };

export type StudioIngestionFieldsFragment = { id: string, dataset: string, source: string, format: Format, mode: WriteMode, status: JobStatus, job: string, read: number, inserted: number, updated: number, unchanged: number, rejected: number, datasetVersion: number | null, failedChecks: Array<string>, report: unknown, error: string | null, createdBy: string, createdAt: string, finishedAt: string | null };

export type StudioIngestionQueryVariables = Exact<{
  id: string;
}>;


export type StudioIngestionQuery = { ingestion: { id: string, dataset: string, source: string, format: Format, mode: WriteMode, status: JobStatus, job: string, read: number, inserted: number, updated: number, unchanged: number, rejected: number, datasetVersion: number | null, failedChecks: Array<string>, report: unknown, error: string | null, createdBy: string, createdAt: string, finishedAt: string | null } | null };

export type StudioDatasetIngestionsQueryVariables = Exact<{
  id: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StudioDatasetIngestionsQuery = { dataset: { id: string, ingestions: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, dataset: string, source: string, format: Format, mode: WriteMode, status: JobStatus, job: string, read: number, inserted: number, updated: number, unchanged: number, rejected: number, datasetVersion: number | null, failedChecks: Array<string>, report: unknown, error: string | null, createdBy: string, createdAt: string, finishedAt: string | null } }> } } | null };

export type StudioRejectsQueryVariables = Exact<{
  id: string;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StudioRejectsQuery = { ingestion: { id: string, rejects: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { line: number, reasons: Array<string>, raw: string | null } }> } } | null };

export type StudioIngestMutationVariables = Exact<{
  input: IngestInput;
}>;


export type StudioIngestMutation = { ingest: { id: string, kind: string, status: JobStatus, progress: number, result: unknown } };

export type StudioJobFieldsFragment = { id: string, kind: string, status: JobStatus, progress: number, error: string | null, errorCode: string | null, result: unknown, createdAt: string, startedAt: string | null, finishedAt: string | null, updatedAt: string, detail: { phase: string | null, rows: number, bytes: number, totalBytes: number, rowsPerSecond: number, message: string | null } };

export type StudioJobQueryVariables = Exact<{
  id: string;
}>;


export type StudioJobQuery = { job: { id: string, kind: string, status: JobStatus, progress: number, error: string | null, errorCode: string | null, result: unknown, createdAt: string, startedAt: string | null, finishedAt: string | null, updatedAt: string, detail: { phase: string | null, rows: number, bytes: number, totalBytes: number, rowsPerSecond: number, message: string | null } } | null };

export type StudioJobUpdatedSubscriptionVariables = Exact<{
  id: string;
}>;


export type StudioJobUpdatedSubscription = { jobUpdated: { id: string, kind: string, status: JobStatus, progress: number, error: string | null, errorCode: string | null, result: unknown, createdAt: string, startedAt: string | null, finishedAt: string | null, updatedAt: string, detail: { phase: string | null, rows: number, bytes: number, totalBytes: number, rowsPerSecond: number, message: string | null } } };

export type StudioSetAliasMutationVariables = Exact<{
  model: string;
  alias: string;
  version: number;
}>;


export type StudioSetAliasMutation = { setModelAlias: { model: string, version: number, aliases: Array<string> } };

export type StudioRemoveAliasMutationVariables = Exact<{
  model: string;
  alias: string;
}>;


export type StudioRemoveAliasMutation = { removeModelAlias: { id: string, aliases: Array<{ alias: string, version: number }> } };

export type StudioTeamsQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioTeamsQuery = { teams: Array<{ id: string, name: string }> };

export type StudioCreateDatasetMutationVariables = Exact<{
  input: CreateDatasetInput;
}>;


export type StudioCreateDatasetMutation = { createDataset: { id: string, team: string } };

export type StudioSchemaFieldsFragment = { id: string, team: string, entities: Array<string>, classes: Array<string>, multiLabel: boolean, relations: Array<{ name: string, head: Array<string>, tail: Array<string> }>, events: Array<{ name: string, trigger: string, roles: Array<{ name: string, labels: Array<string> }> }> };

export type StudioLabelSchemasQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type StudioLabelSchemasQuery = { labelSchemas: { pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, team: string, entities: Array<string>, classes: Array<string>, multiLabel: boolean, relations: Array<{ name: string, head: Array<string>, tail: Array<string> }>, events: Array<{ name: string, trigger: string, roles: Array<{ name: string, labels: Array<string> }> }> } }> } };

export type StudioCreateSchemaMutationVariables = Exact<{
  input: LabelSchemaInput;
}>;


export type StudioCreateSchemaMutation = { createLabelSchema: { id: string, team: string, entities: Array<string>, classes: Array<string>, multiLabel: boolean, relations: Array<{ name: string, head: Array<string>, tail: Array<string> }>, events: Array<{ name: string, trigger: string, roles: Array<{ name: string, labels: Array<string> }> }> } };

export type StudioCreateTaskMutationVariables = Exact<{
  input: AnnotationTaskInput;
}>;


export type StudioCreateTaskMutation = { createAnnotationTask: { id: string, items: number } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const StudioIngestionFieldsFragmentDoc = new TypedDocumentString(`
    fragment StudioIngestionFields on Ingestion {
  id
  dataset
  source
  format
  mode
  status
  job
  read
  inserted
  updated
  unchanged
  rejected
  datasetVersion
  failedChecks
  report
  error
  createdBy
  createdAt
  finishedAt
}
    `, {"fragmentName":"StudioIngestionFields"}) as unknown as TypedDocumentString<StudioIngestionFieldsFragment, unknown>;
export const StudioJobFieldsFragmentDoc = new TypedDocumentString(`
    fragment StudioJobFields on Job {
  id
  kind
  status
  progress
  error
  errorCode
  result
  createdAt
  startedAt
  finishedAt
  updatedAt
  detail {
    phase
    rows
    bytes
    totalBytes
    rowsPerSecond
    message
  }
}
    `, {"fragmentName":"StudioJobFields"}) as unknown as TypedDocumentString<StudioJobFieldsFragment, unknown>;
export const StudioSchemaFieldsFragmentDoc = new TypedDocumentString(`
    fragment StudioSchemaFields on LabelSchema {
  id
  team
  entities
  classes
  multiLabel
  relations {
    name
    head
    tail
  }
  events {
    name
    trigger
    roles {
      name
      labels
    }
  }
}
    `, {"fragmentName":"StudioSchemaFields"}) as unknown as TypedDocumentString<StudioSchemaFieldsFragment, unknown>;
export const StudioMeDocument = new TypedDocumentString(`
    query StudioMe {
  me {
    id
    anonymous
    team
    role
  }
}
    `) as unknown as TypedDocumentString<StudioMeQuery, StudioMeQueryVariables>;
export const StudioTasksDocument = new TypedDocumentString(`
    query StudioTasks {
  annotationTasks(first: 200) {
    totalCount
    edges {
      node {
        id
        dataset
        schema
        items
        overlap
        annotators
        guidelines
        createdAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioTasksQuery, StudioTasksQueryVariables>;
export const StudioTaskDocument = new TypedDocumentString(`
    query StudioTask($task: ID!) {
  annotationTask(id: $task) {
    id
    dataset
    schema
    items
    overlap
    guidelines
    stats {
      items
      completeItems
      annotators {
        annotator
        drafts
        submitted
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioTaskQuery, StudioTaskQueryVariables>;
export const StudioSchemaDocument = new TypedDocumentString(`
    query StudioSchema($id: ID!) {
  labelSchema(id: $id) {
    id
    entities
    classes
    multiLabel
    relations {
      name
      head
      tail
    }
    events {
      name
      trigger
      roles {
        name
        labels
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioSchemaQuery, StudioSchemaQueryVariables>;
export const StudioNextItemDocument = new TypedDocumentString(`
    query StudioNextItem($task: ID!) {
  nextAnnotationItem(task: $task) {
    task
    document
    text
    leaseUntil
    annotation {
      id
      version
      status
      updatedAt
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
    suggestions {
      id
      status
      source
      rule
      span {
        id
        start
        end
        label
        text
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioNextItemQuery, StudioNextItemQueryVariables>;
export const StudioSaveDocument = new TypedDocumentString(`
    mutation StudioSave($input: SaveAnnotationInput!) {
  saveAnnotation(input: $input) {
    id
    version
    status
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<StudioSaveMutation, StudioSaveMutationVariables>;
export const StudioDecideDocument = new TypedDocumentString(`
    mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {
  decideSuggestion(
    task: $task
    document: $document
    suggestion: $suggestion
    accept: $accept
  ) {
    task
    document
    text
    leaseUntil
    annotation {
      id
      version
      status
      updatedAt
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
    suggestions {
      id
      status
      source
      rule
      span {
        id
        start
        end
        label
        text
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioDecideMutation, StudioDecideMutationVariables>;
export const StudioSkipDocument = new TypedDocumentString(`
    mutation StudioSkip($task: ID!, $document: ID!) {
  skipAnnotationItem(task: $task, document: $document)
}
    `) as unknown as TypedDocumentString<StudioSkipMutation, StudioSkipMutationVariables>;
export const StudioReviewDocument = new TypedDocumentString(`
    query StudioReview($task: ID!) {
  annotationTask(id: $task) {
    id
    dataset
    schema
    team
    items
    overlap
    annotators
    guidelines
    createdAt
    stats {
      items
      completeItems
      goldItems
      annotators {
        annotator
        drafts
        submitted
        medianSeconds
      }
      labels {
        label
        count
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioReviewQuery, StudioReviewQueryVariables>;
export const StudioAgreementDocument = new TypedDocumentString(`
    query StudioAgreement($task: ID!) {
  agreement(task: $task) {
    items
    cohenKappa
    fleissKappa
    spanF1
    spanF1ByLabel {
      label
      f1
    }
  }
}
    `) as unknown as TypedDocumentString<StudioAgreementQuery, StudioAgreementQueryVariables>;
export const StudioDatasetsDocument = new TypedDocumentString(`
    query StudioDatasets {
  datasets(first: 200) {
    totalCount
    edges {
      node {
        id
        name
        team
        version
        documentCount
        updatedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioDatasetsQuery, StudioDatasetsQueryVariables>;
export const StudioDatasetDocument = new TypedDocumentString(`
    query StudioDataset($id: ID!) {
  dataset(id: $id) {
    id
    name
    description
    team
    keyField
    version
    documentCount
    createdAt
    updatedAt
    fields {
      name
      type
      required
      min
      max
      enum
      pattern
      unit
      sensitive
    }
  }
}
    `) as unknown as TypedDocumentString<StudioDatasetQuery, StudioDatasetQueryVariables>;
export const StudioDocumentsDocument = new TypedDocumentString(`
    query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {
  documents(
    dataset: $dataset
    where: $where
    orderBy: $orderBy
    first: $first
    after: $after
  ) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        key
        fields
        version
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioDocumentsQuery, StudioDocumentsQueryVariables>;
export const StudioAuditDocument = new TypedDocumentString(`
    query StudioAudit($where: AuditFilter, $first: Int, $after: String) {
  auditLog(where: $where, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        seq
        at
        actor
        team
        action
        resource
        decision
        summary
        hash
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioAuditQuery, StudioAuditQueryVariables>;
export const StudioVerifyAuditDocument = new TypedDocumentString(`
    query StudioVerifyAudit {
  verifyAudit {
    ok
    checked
    firstBrokenSeq
    signed
    checkpoints
    firstBadCheckpoint
    checkpointProblem
  }
}
    `) as unknown as TypedDocumentString<StudioVerifyAuditQuery, StudioVerifyAuditQueryVariables>;
export const StudioSharesDocument = new TypedDocumentString(`
    query StudioShares($dataset: ID!) {
  shares(dataset: $dataset) {
    dataset
    team
    role
    fields
    rowFilter {
      field
      op
      value
    }
    expiresAt
    expired
    createdBy
    createdAt
  }
}
    `) as unknown as TypedDocumentString<StudioSharesQuery, StudioSharesQueryVariables>;
export const StudioShareDocument = new TypedDocumentString(`
    mutation StudioShare($input: ShareDatasetInput!) {
  shareDataset(input: $input) {
    dataset
    team
    role
    fields
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<StudioShareMutation, StudioShareMutationVariables>;
export const StudioRevokeShareDocument = new TypedDocumentString(`
    mutation StudioRevokeShare($dataset: ID!, $team: ID!) {
  revokeShare(dataset: $dataset, team: $team) {
    team
  }
}
    `) as unknown as TypedDocumentString<StudioRevokeShareMutation, StudioRevokeShareMutationVariables>;
export const StudioKeysDocument = new TypedDocumentString(`
    query StudioKeys($team: ID!) {
  apiKeys(team: $team) {
    id
    name
    team
    role
    prefix
    revoked
    expiresAt
    createdAt
    lastUsedAt
  }
}
    `) as unknown as TypedDocumentString<StudioKeysQuery, StudioKeysQueryVariables>;
export const StudioCreateKeyDocument = new TypedDocumentString(`
    mutation StudioCreateKey($input: CreateApiKeyInput!) {
  createApiKey(input: $input) {
    secret
    key {
      id
      name
      role
      prefix
    }
  }
}
    `) as unknown as TypedDocumentString<StudioCreateKeyMutation, StudioCreateKeyMutationVariables>;
export const StudioRotateKeyDocument = new TypedDocumentString(`
    mutation StudioRotateKey($id: ID!) {
  rotateApiKey(id: $id) {
    secret
    key {
      id
      name
      role
      prefix
    }
  }
}
    `) as unknown as TypedDocumentString<StudioRotateKeyMutation, StudioRotateKeyMutationVariables>;
export const StudioRevokeKeyDocument = new TypedDocumentString(`
    mutation StudioRevokeKey($id: ID!) {
  revokeApiKey(id: $id) {
    id
    revoked
  }
}
    `) as unknown as TypedDocumentString<StudioRevokeKeyMutation, StudioRevokeKeyMutationVariables>;
export const StudioModelsDocument = new TypedDocumentString(`
    query StudioModels {
  models(first: 200) {
    edges {
      node {
        id
        team
        dataset
        latestVersion
        createdAt
        aliases {
          alias
          version
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioModelsQuery, StudioModelsQueryVariables>;
export const StudioModelVersionDocument = new TypedDocumentString(`
    query StudioModelVersion($model: ID!, $version: Int) {
  model(id: $model) {
    id
    latestVersion
    aliases {
      alias
      version
    }
  }
  modelVersion(model: $model, version: $version) {
    model
    version
    aliases
    dataset
    datasetVersion
    snapshotSha256
    job
    label
    positiveClass
    features
    intercept
    threshold
    rows
    createdAt
    createdBy
    warnings
    coefficients {
      feature
      value
      oddsRatio
      redacted
    }
    train {
      rows
      accuracy
      precision
      recall
      f1
      logLoss
      brier
      rocAuc
      averagePrecision
    }
    test {
      rows
      accuracy
      precision
      recall
      f1
      logLoss
      brier
      rocAuc
      averagePrecision
    }
  }
}
    `) as unknown as TypedDocumentString<StudioModelVersionQuery, StudioModelVersionQueryVariables>;
export const StudioPredictDocument = new TypedDocumentString(`
    query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {
  predict(model: $model, version: $version, inputs: $inputs) {
    probability
    label
    error
    warnings
    contributions {
      feature
      value
    }
  }
}
    `) as unknown as TypedDocumentString<StudioPredictQuery, StudioPredictQueryVariables>;
export const StudioReviewItemDocument = new TypedDocumentString(`
    query StudioReviewItem($task: ID!, $document: ID!) {
  reviewItem(task: $task, document: $document) {
    task
    document
    text
    annotations {
      annotator
      status
      version
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
    gold {
      annotator
      version
      labels
      spans {
        id
        start
        end
        label
        text
      }
      relations {
        type
        head
        tail
      }
      events {
        type
        trigger
        arguments {
          role
          span
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioReviewItemQuery, StudioReviewItemQueryVariables>;
export const StudioReviewQueueDocument = new TypedDocumentString(`
    query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {
  reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        document
        annotators
        submitted
        drafts
        agree
        gold
        updatedAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioReviewQueueQuery, StudioReviewQueueQueryVariables>;
export const StudioSaveGoldDocument = new TypedDocumentString(`
    mutation StudioSaveGold($input: SaveAnnotationInput!) {
  saveGold(input: $input) {
    version
  }
}
    `) as unknown as TypedDocumentString<StudioSaveGoldMutation, StudioSaveGoldMutationVariables>;
export const StudioDatasetVersionsDocument = new TypedDocumentString(`
    query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {
  dataset(id: $id) {
    id
    versions(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          version
          createdAt
          rows
          ingestion
          snapshot {
            status
            bytes
            sha256
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioDatasetVersionsQuery, StudioDatasetVersionsQueryVariables>;
export const StudioIngestionDocument = new TypedDocumentString(`
    query StudioIngestion($id: ID!) {
  ingestion(id: $id) {
    ...StudioIngestionFields
  }
}
    fragment StudioIngestionFields on Ingestion {
  id
  dataset
  source
  format
  mode
  status
  job
  read
  inserted
  updated
  unchanged
  rejected
  datasetVersion
  failedChecks
  report
  error
  createdBy
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<StudioIngestionQuery, StudioIngestionQueryVariables>;
export const StudioDatasetIngestionsDocument = new TypedDocumentString(`
    query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {
  dataset(id: $id) {
    id
    ingestions(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          ...StudioIngestionFields
        }
      }
    }
  }
}
    fragment StudioIngestionFields on Ingestion {
  id
  dataset
  source
  format
  mode
  status
  job
  read
  inserted
  updated
  unchanged
  rejected
  datasetVersion
  failedChecks
  report
  error
  createdBy
  createdAt
  finishedAt
}`) as unknown as TypedDocumentString<StudioDatasetIngestionsQuery, StudioDatasetIngestionsQueryVariables>;
export const StudioRejectsDocument = new TypedDocumentString(`
    query StudioRejects($id: ID!, $first: Int, $after: String) {
  ingestion(id: $id) {
    id
    rejects(first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          line
          reasons
          raw
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<StudioRejectsQuery, StudioRejectsQueryVariables>;
export const StudioIngestDocument = new TypedDocumentString(`
    mutation StudioIngest($input: IngestInput!) {
  ingest(input: $input) {
    id
    kind
    status
    progress
    result
  }
}
    `) as unknown as TypedDocumentString<StudioIngestMutation, StudioIngestMutationVariables>;
export const StudioJobDocument = new TypedDocumentString(`
    query StudioJob($id: ID!) {
  job(id: $id) {
    ...StudioJobFields
  }
}
    fragment StudioJobFields on Job {
  id
  kind
  status
  progress
  error
  errorCode
  result
  createdAt
  startedAt
  finishedAt
  updatedAt
  detail {
    phase
    rows
    bytes
    totalBytes
    rowsPerSecond
    message
  }
}`) as unknown as TypedDocumentString<StudioJobQuery, StudioJobQueryVariables>;
export const StudioJobUpdatedDocument = new TypedDocumentString(`
    subscription StudioJobUpdated($id: ID!) {
  jobUpdated(id: $id) {
    ...StudioJobFields
  }
}
    fragment StudioJobFields on Job {
  id
  kind
  status
  progress
  error
  errorCode
  result
  createdAt
  startedAt
  finishedAt
  updatedAt
  detail {
    phase
    rows
    bytes
    totalBytes
    rowsPerSecond
    message
  }
}`) as unknown as TypedDocumentString<StudioJobUpdatedSubscription, StudioJobUpdatedSubscriptionVariables>;
export const StudioSetAliasDocument = new TypedDocumentString(`
    mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {
  setModelAlias(model: $model, alias: $alias, version: $version) {
    model
    version
    aliases
  }
}
    `) as unknown as TypedDocumentString<StudioSetAliasMutation, StudioSetAliasMutationVariables>;
export const StudioRemoveAliasDocument = new TypedDocumentString(`
    mutation StudioRemoveAlias($model: ID!, $alias: String!) {
  removeModelAlias(model: $model, alias: $alias) {
    id
    aliases {
      alias
      version
    }
  }
}
    `) as unknown as TypedDocumentString<StudioRemoveAliasMutation, StudioRemoveAliasMutationVariables>;
export const StudioTeamsDocument = new TypedDocumentString(`
    query StudioTeams {
  teams {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<StudioTeamsQuery, StudioTeamsQueryVariables>;
export const StudioCreateDatasetDocument = new TypedDocumentString(`
    mutation StudioCreateDataset($input: CreateDatasetInput!) {
  createDataset(input: $input) {
    id
    team
  }
}
    `) as unknown as TypedDocumentString<StudioCreateDatasetMutation, StudioCreateDatasetMutationVariables>;
export const StudioLabelSchemasDocument = new TypedDocumentString(`
    query StudioLabelSchemas($first: Int, $after: String) {
  labelSchemas(first: $first, after: $after) {
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        ...StudioSchemaFields
      }
    }
  }
}
    fragment StudioSchemaFields on LabelSchema {
  id
  team
  entities
  classes
  multiLabel
  relations {
    name
    head
    tail
  }
  events {
    name
    trigger
    roles {
      name
      labels
    }
  }
}`) as unknown as TypedDocumentString<StudioLabelSchemasQuery, StudioLabelSchemasQueryVariables>;
export const StudioCreateSchemaDocument = new TypedDocumentString(`
    mutation StudioCreateSchema($input: LabelSchemaInput!) {
  createLabelSchema(input: $input) {
    ...StudioSchemaFields
  }
}
    fragment StudioSchemaFields on LabelSchema {
  id
  team
  entities
  classes
  multiLabel
  relations {
    name
    head
    tail
  }
  events {
    name
    trigger
    roles {
      name
      labels
    }
  }
}`) as unknown as TypedDocumentString<StudioCreateSchemaMutation, StudioCreateSchemaMutationVariables>;
export const StudioCreateTaskDocument = new TypedDocumentString(`
    mutation StudioCreateTask($input: AnnotationTaskInput!) {
  createAnnotationTask(input: $input) {
    id
    items
  }
}
    `) as unknown as TypedDocumentString<StudioCreateTaskMutation, StudioCreateTaskMutationVariables>;