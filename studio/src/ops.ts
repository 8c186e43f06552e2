// The Studio's GraphQL operations; typed by graphql-codegen from graph/*.graphqls.
import { graphql } from './gql';

export const MeQuery = graphql(`
  query StudioMe {
    me { id anonymous team role }
  }
`);

export const TasksQuery = graphql(`
  query StudioTasks {
    annotationTasks(first: 200) {
      totalCount
      edges { node { id dataset schema items overlap annotators guidelines createdAt } }
    }
  }
`);

export const TaskQuery = graphql(`
  query StudioTask($task: ID!) {
    annotationTask(id: $task) {
      id dataset schema items overlap guidelines
      stats { items completeItems annotators { annotator drafts submitted } }
    }
  }
`);

export const SchemaQuery = graphql(`
  query StudioSchema($id: ID!) {
    labelSchema(id: $id) {
      id entities classes multiLabel
      relations { name head tail }
      events { name trigger roles { name labels } }
    }
  }
`);


export const NextItemQuery = graphql(`
  query StudioNextItem($task: ID!) {
    nextAnnotationItem(task: $task) {
      task document text leaseUntil
      annotation {
        id version status updatedAt labels
        spans { id start end label text }
        relations { type head tail }
        events { type trigger arguments { role span } }
      }
      suggestions { id status source rule span { id start end label text } }
    }
  }
`);

export const SaveMutation = graphql(`
  mutation StudioSave($input: SaveAnnotationInput!) {
    saveAnnotation(input: $input) { id version status updatedAt }
  }
`);

export const DecideMutation = graphql(`
  mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {
    decideSuggestion(task: $task, document: $document, suggestion: $suggestion, accept: $accept) {
      task document text leaseUntil
      annotation {
        id version status updatedAt labels
        spans { id start end label text }
        relations { type head tail }
        events { type trigger arguments { role span } }
      }
      suggestions { id status source rule span { id start end label text } }
    }
  }
`);

export const SkipMutation = graphql(`
  mutation StudioSkip($task: ID!, $document: ID!) {
    skipAnnotationItem(task: $task, document: $document)
  }
`);

export const ReviewQuery = graphql(`
  query StudioReview($task: ID!) {
    annotationTask(id: $task) {
      id dataset schema team items overlap annotators guidelines createdAt
      stats {
        items completeItems goldItems
        annotators { annotator drafts submitted medianSeconds }
        labels { label count }
      }
    }
  }
`);

export const AgreementQuery = graphql(`
  query StudioAgreement($task: ID!) {
    agreement(task: $task) { items cohenKappa fleissKappa spanF1 spanF1ByLabel { label f1 } }
  }
`);

export const DatasetsQuery = graphql(`
  query StudioDatasets {
    datasets(first: 200) {
      totalCount
      edges { node { id name team version documentCount updatedAt } }
    }
  }
`);

export const DatasetQuery = graphql(`
  query StudioDataset($id: ID!) {
    dataset(id: $id) {
      id name description team keyField version documentCount createdAt updatedAt
      fields { name type required min max enum pattern unit sensitive }
    }
  }
`);

export const DocumentsQuery = graphql(`
  query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {
    documents(dataset: $dataset, where: $where, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { key fields version } }
    }
  }
`);

export const AuditQuery = graphql(`
  query StudioAudit($where: AuditFilter, $first: Int, $after: String) {
    auditLog(where: $where, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { seq at actor team action resource decision summary hash } }
    }
  }
`);

export const VerifyAuditQuery = graphql(`
  query StudioVerifyAudit {
    verifyAudit { ok checked firstBrokenSeq signed checkpoints firstBadCheckpoint checkpointProblem }
  }
`);

export const SharesQuery = graphql(`
  query StudioShares($dataset: ID!) {
    shares(dataset: $dataset) { dataset team role fields rowFilter { field op value } expiresAt expired createdBy createdAt }
  }
`);

export const ShareMutation = graphql(`
  mutation StudioShare($input: ShareDatasetInput!) {
    shareDataset(input: $input) { dataset team role fields expiresAt }
  }
`);

export const RevokeShareMutation = graphql(`
  mutation StudioRevokeShare($dataset: ID!, $team: ID!) {
    revokeShare(dataset: $dataset, team: $team) { team }
  }
`);

export const KeysQuery = graphql(`
  query StudioKeys($team: ID!) {
    apiKeys(team: $team) { id name team role prefix revoked expiresAt createdAt lastUsedAt }
  }
`);

export const CreateKeyMutation = graphql(`
  mutation StudioCreateKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { secret key { id name role prefix } }
  }
`);

export const RotateKeyMutation = graphql(`
  mutation StudioRotateKey($id: ID!) {
    rotateApiKey(id: $id) { secret key { id name role prefix } }
  }
`);

export const RevokeKeyMutation = graphql(`
  mutation StudioRevokeKey($id: ID!) {
    revokeApiKey(id: $id) { id revoked }
  }
`);

export const ModelsQuery = graphql(`
  query StudioModels {
    models(first: 200) {
      edges { node { id team dataset latestVersion createdAt aliases { alias version } } }
    }
  }
`);

export const ModelVersionQuery = graphql(`
  query StudioModelVersion($model: ID!, $version: Int) {
    model(id: $model) { id latestVersion aliases { alias version } }
    modelVersion(model: $model, version: $version) {
      model version aliases dataset datasetVersion snapshotSha256 job label positiveClass features intercept threshold rows createdAt createdBy warnings
      coefficients { feature value oddsRatio redacted }
      train { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }
      test { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }
    }
  }
`);

export const PredictQuery = graphql(`
  query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {
    predict(model: $model, version: $version, inputs: $inputs) { probability label error warnings contributions { feature value } }
  }
`);

export const ReviewItemQuery = graphql(`
  query StudioReviewItem($task: ID!, $document: ID!) {
    reviewItem(task: $task, document: $document) {
      task document text
      annotations {
        annotator status version labels
        spans { id start end label text }
        relations { type head tail }
        events { type trigger arguments { role span } }
      }
      gold { annotator version labels spans { id start end label text } relations { type head tail } events { type trigger arguments { role span } } }
    }
  }
`);

export const ReviewQueueQuery = graphql(`
  query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {
    reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { document annotators submitted drafts agree gold updatedAt } }
    }
  }
`);

export const SaveGoldMutation = graphql(`
  mutation StudioSaveGold($input: SaveAnnotationInput!) {
    saveGold(input: $input) { version }
  }
`);

export const DatasetVersionsQuery = graphql(`
  query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {
    dataset(id: $id) {
      id
      versions(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { version createdAt rows ingestion snapshot { status bytes sha256 } } }
      }
    }
  }
`);

export const IngestionFields = graphql(`
  fragment StudioIngestionFields on Ingestion {
    id dataset source format mode status job read inserted updated unchanged rejected datasetVersion
    failedChecks report error createdBy createdAt finishedAt
  }
`);

export const IngestionQuery = graphql(`
  query StudioIngestion($id: ID!) {
    ingestion(id: $id) { ...StudioIngestionFields }
  }
`);

export const DatasetIngestionsQuery = graphql(`
  query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {
    dataset(id: $id) {
      id
      ingestions(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { ...StudioIngestionFields } }
      }
    }
  }
`);

export const RejectsQuery = graphql(`
  query StudioRejects($id: ID!, $first: Int, $after: String) {
    ingestion(id: $id) {
      id
      rejects(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { line reasons raw } }
      }
    }
  }
`);

export const IngestMutation = graphql(`
  mutation StudioIngest($input: IngestInput!) {
    ingest(input: $input) { id kind status progress result }
  }
`);

export const JobFields = graphql(`
  fragment StudioJobFields on Job {
    id kind status progress error errorCode result createdAt startedAt finishedAt updatedAt
    detail { phase rows bytes totalBytes rowsPerSecond message }
  }
`);

export const JobQuery = graphql(`
  query StudioJob($id: ID!) {
    job(id: $id) { ...StudioJobFields }
  }
`);

export const JobUpdatedSubscription = graphql(`
  subscription StudioJobUpdated($id: ID!) {
    jobUpdated(id: $id) { ...StudioJobFields }
  }
`);

export const SetAliasMutation = graphql(`
  mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {
    setModelAlias(model: $model, alias: $alias, version: $version) { model version aliases }
  }
`);

export const RemoveAliasMutation = graphql(`
  mutation StudioRemoveAlias($model: ID!, $alias: String!) {
    removeModelAlias(model: $model, alias: $alias) { id aliases { alias version } }
  }
`);

export const TeamsQuery = graphql(`
  query StudioTeams {
    teams { id name }
  }
`);

export const CreateDatasetMutation = graphql(`
  mutation StudioCreateDataset($input: CreateDatasetInput!) {
    createDataset(input: $input) { id team }
  }
`);

export const SchemaFields = graphql(`
  fragment StudioSchemaFields on LabelSchema {
    id team entities classes multiLabel relations { name head tail } events { name trigger roles { name labels } }
  }
`);

export const LabelSchemasQuery = graphql(`
  query StudioLabelSchemas($first: Int, $after: String) {
    labelSchemas(first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      edges { node { ...StudioSchemaFields } }
    }
  }
`);

export const CreateSchemaMutation = graphql(`
  mutation StudioCreateSchema($input: LabelSchemaInput!) {
    createLabelSchema(input: $input) { ...StudioSchemaFields }
  }
`);

export const CreateTaskMutation = graphql(`
  mutation StudioCreateTask($input: AnnotationTaskInput!) {
    createAnnotationTask(input: $input) { id items }
  }
`);
