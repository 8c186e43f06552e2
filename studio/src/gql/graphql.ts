/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

/** A relation between two spans. */
export type RelationInput = {
  /** The head span's id. */
  head: string;
  /** The tail span's id. */
  tail: string;
  /** A relation type of the schema. */
  type: string;
};

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

export type StudioMeQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioMeQuery = { me: { id: string, anonymous: boolean, team: string | null, role: Role | null } };

export type StudioTasksQueryVariables = Exact<{ [key: string]: never; }>;


export type StudioTasksQuery = { annotationTasks: { totalCount: number, edges: Array<{ node: { id: string, dataset: string, schema: string, items: number, overlap: number, guidelines: string | null, createdAt: string } }> } };

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


export type StudioReviewQuery = { annotationTask: { id: string, dataset: string, schema: string, items: number, overlap: number, annotators: Array<string>, guidelines: string | null, createdAt: string, stats: { items: number, completeItems: number, goldItems: number, annotators: Array<{ annotator: string, drafts: number, submitted: number, medianSeconds: number | null }>, labels: Array<{ label: string, count: number }> } } | null };

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


export type StudioModelVersionQuery = { model: { id: string, latestVersion: number, aliases: Array<{ alias: string, version: number }> } | null, modelVersion: { model: string, version: number, aliases: Array<string>, dataset: string, datasetVersion: number, label: string, positiveClass: unknown, features: Array<string>, intercept: number, threshold: number, rows: number, createdAt: string, createdBy: string, warnings: Array<string>, coefficients: Array<{ feature: string, value: number, oddsRatio: number | null, redacted: boolean }>, train: { rows: number, accuracy: number, precision: number, recall: number, f1: number, logLoss: number, brier: number, rocAuc: number, averagePrecision: number }, test: { rows: number, accuracy: number, precision: number, recall: number, f1: number, logLoss: number, brier: number, rocAuc: number, averagePrecision: number } | null } | null };

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

export type StudioSaveGoldMutationVariables = Exact<{
  input: SaveAnnotationInput;
}>;


export type StudioSaveGoldMutation = { saveGold: { version: number } };

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
export const StudioSaveGoldDocument = new TypedDocumentString(`
    mutation StudioSaveGold($input: SaveAnnotationInput!) {
  saveGold(input: $input) {
    version
  }
}
    `) as unknown as TypedDocumentString<StudioSaveGoldMutation, StudioSaveGoldMutationVariables>;