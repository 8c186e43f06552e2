/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query StudioMe {\n    me { id anonymous team role }\n  }\n": typeof types.StudioMeDocument,
    "\n  query StudioTasks {\n    annotationTasks(first: 200) {\n      totalCount\n      edges { node { id dataset schema items overlap annotators guidelines createdAt } }\n    }\n  }\n": typeof types.StudioTasksDocument,
    "\n  query StudioTask($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema items overlap guidelines\n      stats { items completeItems annotators { annotator drafts submitted } }\n    }\n  }\n": typeof types.StudioTaskDocument,
    "\n  query StudioSchema($id: ID!) {\n    labelSchema(id: $id) {\n      id entities classes multiLabel\n      relations { name head tail }\n      events { name trigger roles { name labels } }\n    }\n  }\n": typeof types.StudioSchemaDocument,
    "\n  query StudioNextItem($task: ID!) {\n    nextAnnotationItem(task: $task) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n": typeof types.StudioNextItemDocument,
    "\n  mutation StudioSave($input: SaveAnnotationInput!) {\n    saveAnnotation(input: $input) { id version status updatedAt }\n  }\n": typeof types.StudioSaveDocument,
    "\n  mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {\n    decideSuggestion(task: $task, document: $document, suggestion: $suggestion, accept: $accept) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n": typeof types.StudioDecideDocument,
    "\n  mutation StudioSkip($task: ID!, $document: ID!) {\n    skipAnnotationItem(task: $task, document: $document)\n  }\n": typeof types.StudioSkipDocument,
    "\n  query StudioReview($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema team items overlap annotators guidelines createdAt\n      stats {\n        items completeItems goldItems\n        annotators { annotator drafts submitted medianSeconds }\n        labels { label count }\n      }\n    }\n  }\n": typeof types.StudioReviewDocument,
    "\n  query StudioAgreement($task: ID!) {\n    agreement(task: $task) { items cohenKappa fleissKappa spanF1 spanF1ByLabel { label f1 } }\n  }\n": typeof types.StudioAgreementDocument,
    "\n  query StudioDatasets {\n    datasets(first: 200) {\n      totalCount\n      edges { node { id name team version documentCount updatedAt } }\n    }\n  }\n": typeof types.StudioDatasetsDocument,
    "\n  query StudioDataset($id: ID!) {\n    dataset(id: $id) {\n      id name description team keyField version documentCount createdAt updatedAt\n      fields { name type required min max enum pattern unit sensitive }\n    }\n  }\n": typeof types.StudioDatasetDocument,
    "\n  query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {\n    documents(dataset: $dataset, where: $where, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { key fields version } }\n    }\n  }\n": typeof types.StudioDocumentsDocument,
    "\n  query StudioAudit($where: AuditFilter, $first: Int, $after: String) {\n    auditLog(where: $where, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { seq at actor team action resource decision summary hash } }\n    }\n  }\n": typeof types.StudioAuditDocument,
    "\n  query StudioVerifyAudit {\n    verifyAudit { ok checked firstBrokenSeq signed checkpoints firstBadCheckpoint checkpointProblem }\n  }\n": typeof types.StudioVerifyAuditDocument,
    "\n  query StudioShares($dataset: ID!) {\n    shares(dataset: $dataset) { dataset team role fields rowFilter { field op value } expiresAt expired createdBy createdAt }\n  }\n": typeof types.StudioSharesDocument,
    "\n  mutation StudioShare($input: ShareDatasetInput!) {\n    shareDataset(input: $input) { dataset team role fields expiresAt }\n  }\n": typeof types.StudioShareDocument,
    "\n  mutation StudioRevokeShare($dataset: ID!, $team: ID!) {\n    revokeShare(dataset: $dataset, team: $team) { team }\n  }\n": typeof types.StudioRevokeShareDocument,
    "\n  query StudioKeys($team: ID!) {\n    apiKeys(team: $team) { id name team role prefix revoked expiresAt createdAt lastUsedAt }\n  }\n": typeof types.StudioKeysDocument,
    "\n  mutation StudioCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { secret key { id name role prefix } }\n  }\n": typeof types.StudioCreateKeyDocument,
    "\n  mutation StudioRotateKey($id: ID!) {\n    rotateApiKey(id: $id) { secret key { id name role prefix } }\n  }\n": typeof types.StudioRotateKeyDocument,
    "\n  mutation StudioRevokeKey($id: ID!) {\n    revokeApiKey(id: $id) { id revoked }\n  }\n": typeof types.StudioRevokeKeyDocument,
    "\n  query StudioModels {\n    models(first: 200) {\n      edges { node { id team dataset latestVersion createdAt aliases { alias version } } }\n    }\n  }\n": typeof types.StudioModelsDocument,
    "\n  query StudioModelVersion($model: ID!, $version: Int) {\n    model(id: $model) { id latestVersion aliases { alias version } }\n    modelVersion(model: $model, version: $version) {\n      model version aliases dataset datasetVersion snapshotSha256 job label positiveClass features intercept threshold rows createdAt createdBy warnings\n      coefficients { feature value oddsRatio redacted }\n      train { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n      test { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n    }\n  }\n": typeof types.StudioModelVersionDocument,
    "\n  query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {\n    predict(model: $model, version: $version, inputs: $inputs) { probability label error warnings contributions { feature value } }\n  }\n": typeof types.StudioPredictDocument,
    "\n  query StudioReviewItem($task: ID!, $document: ID!) {\n    reviewItem(task: $task, document: $document) {\n      task document text\n      annotations {\n        annotator status version labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      gold { annotator version labels spans { id start end label text } relations { type head tail } events { type trigger arguments { role span } } }\n    }\n  }\n": typeof types.StudioReviewItemDocument,
    "\n  query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {\n    reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { document annotators submitted drafts agree gold updatedAt } }\n    }\n  }\n": typeof types.StudioReviewQueueDocument,
    "\n  mutation StudioSaveGold($input: SaveAnnotationInput!) {\n    saveGold(input: $input) { version }\n  }\n": typeof types.StudioSaveGoldDocument,
    "\n  query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { version createdAt rows ingestion snapshot { status bytes sha256 } } }\n      }\n    }\n  }\n": typeof types.StudioDatasetVersionsDocument,
    "\n  fragment StudioIngestionFields on Ingestion {\n    id dataset source format mode status job read inserted updated unchanged rejected datasetVersion\n    failedChecks report error createdBy createdAt finishedAt\n  }\n": typeof types.StudioIngestionFieldsFragmentDoc,
    "\n  query StudioIngestion($id: ID!) {\n    ingestion(id: $id) { ...StudioIngestionFields }\n  }\n": typeof types.StudioIngestionDocument,
    "\n  query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      ingestions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { ...StudioIngestionFields } }\n      }\n    }\n  }\n": typeof types.StudioDatasetIngestionsDocument,
    "\n  query StudioRejects($id: ID!, $first: Int, $after: String) {\n    ingestion(id: $id) {\n      id\n      rejects(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { line reasons raw } }\n      }\n    }\n  }\n": typeof types.StudioRejectsDocument,
    "\n  mutation StudioIngest($input: IngestInput!) {\n    ingest(input: $input) { id kind status progress result }\n  }\n": typeof types.StudioIngestDocument,
    "\n  fragment StudioJobFields on Job {\n    id kind status progress error errorCode result createdAt startedAt finishedAt updatedAt\n    detail { phase rows bytes totalBytes rowsPerSecond message }\n  }\n": typeof types.StudioJobFieldsFragmentDoc,
    "\n  query StudioJob($id: ID!) {\n    job(id: $id) { ...StudioJobFields }\n  }\n": typeof types.StudioJobDocument,
    "\n  subscription StudioJobUpdated($id: ID!) {\n    jobUpdated(id: $id) { ...StudioJobFields }\n  }\n": typeof types.StudioJobUpdatedDocument,
    "\n  mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {\n    setModelAlias(model: $model, alias: $alias, version: $version) { model version aliases }\n  }\n": typeof types.StudioSetAliasDocument,
    "\n  mutation StudioRemoveAlias($model: ID!, $alias: String!) {\n    removeModelAlias(model: $model, alias: $alias) { id aliases { alias version } }\n  }\n": typeof types.StudioRemoveAliasDocument,
    "\n  query StudioTeams {\n    teams { id name }\n  }\n": typeof types.StudioTeamsDocument,
    "\n  mutation StudioCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { id team }\n  }\n": typeof types.StudioCreateDatasetDocument,
    "\n  fragment StudioSchemaFields on LabelSchema {\n    id team entities classes multiLabel relations { name head tail } events { name trigger roles { name labels } }\n  }\n": typeof types.StudioSchemaFieldsFragmentDoc,
    "\n  query StudioLabelSchemas($first: Int, $after: String) {\n    labelSchemas(first: $first, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...StudioSchemaFields } }\n    }\n  }\n": typeof types.StudioLabelSchemasDocument,
    "\n  mutation StudioCreateSchema($input: LabelSchemaInput!) {\n    createLabelSchema(input: $input) { ...StudioSchemaFields }\n  }\n": typeof types.StudioCreateSchemaDocument,
    "\n  mutation StudioCreateTask($input: AnnotationTaskInput!) {\n    createAnnotationTask(input: $input) { id items }\n  }\n": typeof types.StudioCreateTaskDocument,
};
const documents: Documents = {
    "\n  query StudioMe {\n    me { id anonymous team role }\n  }\n": types.StudioMeDocument,
    "\n  query StudioTasks {\n    annotationTasks(first: 200) {\n      totalCount\n      edges { node { id dataset schema items overlap annotators guidelines createdAt } }\n    }\n  }\n": types.StudioTasksDocument,
    "\n  query StudioTask($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema items overlap guidelines\n      stats { items completeItems annotators { annotator drafts submitted } }\n    }\n  }\n": types.StudioTaskDocument,
    "\n  query StudioSchema($id: ID!) {\n    labelSchema(id: $id) {\n      id entities classes multiLabel\n      relations { name head tail }\n      events { name trigger roles { name labels } }\n    }\n  }\n": types.StudioSchemaDocument,
    "\n  query StudioNextItem($task: ID!) {\n    nextAnnotationItem(task: $task) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n": types.StudioNextItemDocument,
    "\n  mutation StudioSave($input: SaveAnnotationInput!) {\n    saveAnnotation(input: $input) { id version status updatedAt }\n  }\n": types.StudioSaveDocument,
    "\n  mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {\n    decideSuggestion(task: $task, document: $document, suggestion: $suggestion, accept: $accept) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n": types.StudioDecideDocument,
    "\n  mutation StudioSkip($task: ID!, $document: ID!) {\n    skipAnnotationItem(task: $task, document: $document)\n  }\n": types.StudioSkipDocument,
    "\n  query StudioReview($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema team items overlap annotators guidelines createdAt\n      stats {\n        items completeItems goldItems\n        annotators { annotator drafts submitted medianSeconds }\n        labels { label count }\n      }\n    }\n  }\n": types.StudioReviewDocument,
    "\n  query StudioAgreement($task: ID!) {\n    agreement(task: $task) { items cohenKappa fleissKappa spanF1 spanF1ByLabel { label f1 } }\n  }\n": types.StudioAgreementDocument,
    "\n  query StudioDatasets {\n    datasets(first: 200) {\n      totalCount\n      edges { node { id name team version documentCount updatedAt } }\n    }\n  }\n": types.StudioDatasetsDocument,
    "\n  query StudioDataset($id: ID!) {\n    dataset(id: $id) {\n      id name description team keyField version documentCount createdAt updatedAt\n      fields { name type required min max enum pattern unit sensitive }\n    }\n  }\n": types.StudioDatasetDocument,
    "\n  query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {\n    documents(dataset: $dataset, where: $where, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { key fields version } }\n    }\n  }\n": types.StudioDocumentsDocument,
    "\n  query StudioAudit($where: AuditFilter, $first: Int, $after: String) {\n    auditLog(where: $where, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { seq at actor team action resource decision summary hash } }\n    }\n  }\n": types.StudioAuditDocument,
    "\n  query StudioVerifyAudit {\n    verifyAudit { ok checked firstBrokenSeq signed checkpoints firstBadCheckpoint checkpointProblem }\n  }\n": types.StudioVerifyAuditDocument,
    "\n  query StudioShares($dataset: ID!) {\n    shares(dataset: $dataset) { dataset team role fields rowFilter { field op value } expiresAt expired createdBy createdAt }\n  }\n": types.StudioSharesDocument,
    "\n  mutation StudioShare($input: ShareDatasetInput!) {\n    shareDataset(input: $input) { dataset team role fields expiresAt }\n  }\n": types.StudioShareDocument,
    "\n  mutation StudioRevokeShare($dataset: ID!, $team: ID!) {\n    revokeShare(dataset: $dataset, team: $team) { team }\n  }\n": types.StudioRevokeShareDocument,
    "\n  query StudioKeys($team: ID!) {\n    apiKeys(team: $team) { id name team role prefix revoked expiresAt createdAt lastUsedAt }\n  }\n": types.StudioKeysDocument,
    "\n  mutation StudioCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { secret key { id name role prefix } }\n  }\n": types.StudioCreateKeyDocument,
    "\n  mutation StudioRotateKey($id: ID!) {\n    rotateApiKey(id: $id) { secret key { id name role prefix } }\n  }\n": types.StudioRotateKeyDocument,
    "\n  mutation StudioRevokeKey($id: ID!) {\n    revokeApiKey(id: $id) { id revoked }\n  }\n": types.StudioRevokeKeyDocument,
    "\n  query StudioModels {\n    models(first: 200) {\n      edges { node { id team dataset latestVersion createdAt aliases { alias version } } }\n    }\n  }\n": types.StudioModelsDocument,
    "\n  query StudioModelVersion($model: ID!, $version: Int) {\n    model(id: $model) { id latestVersion aliases { alias version } }\n    modelVersion(model: $model, version: $version) {\n      model version aliases dataset datasetVersion snapshotSha256 job label positiveClass features intercept threshold rows createdAt createdBy warnings\n      coefficients { feature value oddsRatio redacted }\n      train { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n      test { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n    }\n  }\n": types.StudioModelVersionDocument,
    "\n  query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {\n    predict(model: $model, version: $version, inputs: $inputs) { probability label error warnings contributions { feature value } }\n  }\n": types.StudioPredictDocument,
    "\n  query StudioReviewItem($task: ID!, $document: ID!) {\n    reviewItem(task: $task, document: $document) {\n      task document text\n      annotations {\n        annotator status version labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      gold { annotator version labels spans { id start end label text } relations { type head tail } events { type trigger arguments { role span } } }\n    }\n  }\n": types.StudioReviewItemDocument,
    "\n  query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {\n    reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { document annotators submitted drafts agree gold updatedAt } }\n    }\n  }\n": types.StudioReviewQueueDocument,
    "\n  mutation StudioSaveGold($input: SaveAnnotationInput!) {\n    saveGold(input: $input) { version }\n  }\n": types.StudioSaveGoldDocument,
    "\n  query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { version createdAt rows ingestion snapshot { status bytes sha256 } } }\n      }\n    }\n  }\n": types.StudioDatasetVersionsDocument,
    "\n  fragment StudioIngestionFields on Ingestion {\n    id dataset source format mode status job read inserted updated unchanged rejected datasetVersion\n    failedChecks report error createdBy createdAt finishedAt\n  }\n": types.StudioIngestionFieldsFragmentDoc,
    "\n  query StudioIngestion($id: ID!) {\n    ingestion(id: $id) { ...StudioIngestionFields }\n  }\n": types.StudioIngestionDocument,
    "\n  query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      ingestions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { ...StudioIngestionFields } }\n      }\n    }\n  }\n": types.StudioDatasetIngestionsDocument,
    "\n  query StudioRejects($id: ID!, $first: Int, $after: String) {\n    ingestion(id: $id) {\n      id\n      rejects(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { line reasons raw } }\n      }\n    }\n  }\n": types.StudioRejectsDocument,
    "\n  mutation StudioIngest($input: IngestInput!) {\n    ingest(input: $input) { id kind status progress result }\n  }\n": types.StudioIngestDocument,
    "\n  fragment StudioJobFields on Job {\n    id kind status progress error errorCode result createdAt startedAt finishedAt updatedAt\n    detail { phase rows bytes totalBytes rowsPerSecond message }\n  }\n": types.StudioJobFieldsFragmentDoc,
    "\n  query StudioJob($id: ID!) {\n    job(id: $id) { ...StudioJobFields }\n  }\n": types.StudioJobDocument,
    "\n  subscription StudioJobUpdated($id: ID!) {\n    jobUpdated(id: $id) { ...StudioJobFields }\n  }\n": types.StudioJobUpdatedDocument,
    "\n  mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {\n    setModelAlias(model: $model, alias: $alias, version: $version) { model version aliases }\n  }\n": types.StudioSetAliasDocument,
    "\n  mutation StudioRemoveAlias($model: ID!, $alias: String!) {\n    removeModelAlias(model: $model, alias: $alias) { id aliases { alias version } }\n  }\n": types.StudioRemoveAliasDocument,
    "\n  query StudioTeams {\n    teams { id name }\n  }\n": types.StudioTeamsDocument,
    "\n  mutation StudioCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { id team }\n  }\n": types.StudioCreateDatasetDocument,
    "\n  fragment StudioSchemaFields on LabelSchema {\n    id team entities classes multiLabel relations { name head tail } events { name trigger roles { name labels } }\n  }\n": types.StudioSchemaFieldsFragmentDoc,
    "\n  query StudioLabelSchemas($first: Int, $after: String) {\n    labelSchemas(first: $first, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...StudioSchemaFields } }\n    }\n  }\n": types.StudioLabelSchemasDocument,
    "\n  mutation StudioCreateSchema($input: LabelSchemaInput!) {\n    createLabelSchema(input: $input) { ...StudioSchemaFields }\n  }\n": types.StudioCreateSchemaDocument,
    "\n  mutation StudioCreateTask($input: AnnotationTaskInput!) {\n    createAnnotationTask(input: $input) { id items }\n  }\n": types.StudioCreateTaskDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioMe {\n    me { id anonymous team role }\n  }\n"): typeof import('./graphql').StudioMeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioTasks {\n    annotationTasks(first: 200) {\n      totalCount\n      edges { node { id dataset schema items overlap annotators guidelines createdAt } }\n    }\n  }\n"): typeof import('./graphql').StudioTasksDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioTask($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema items overlap guidelines\n      stats { items completeItems annotators { annotator drafts submitted } }\n    }\n  }\n"): typeof import('./graphql').StudioTaskDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioSchema($id: ID!) {\n    labelSchema(id: $id) {\n      id entities classes multiLabel\n      relations { name head tail }\n      events { name trigger roles { name labels } }\n    }\n  }\n"): typeof import('./graphql').StudioSchemaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioNextItem($task: ID!) {\n    nextAnnotationItem(task: $task) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n"): typeof import('./graphql').StudioNextItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioSave($input: SaveAnnotationInput!) {\n    saveAnnotation(input: $input) { id version status updatedAt }\n  }\n"): typeof import('./graphql').StudioSaveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioDecide($task: ID!, $document: ID!, $suggestion: ID!, $accept: Boolean!) {\n    decideSuggestion(task: $task, document: $document, suggestion: $suggestion, accept: $accept) {\n      task document text leaseUntil\n      annotation {\n        id version status updatedAt labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      suggestions { id status source rule span { id start end label text } }\n    }\n  }\n"): typeof import('./graphql').StudioDecideDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioSkip($task: ID!, $document: ID!) {\n    skipAnnotationItem(task: $task, document: $document)\n  }\n"): typeof import('./graphql').StudioSkipDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioReview($task: ID!) {\n    annotationTask(id: $task) {\n      id dataset schema team items overlap annotators guidelines createdAt\n      stats {\n        items completeItems goldItems\n        annotators { annotator drafts submitted medianSeconds }\n        labels { label count }\n      }\n    }\n  }\n"): typeof import('./graphql').StudioReviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioAgreement($task: ID!) {\n    agreement(task: $task) { items cohenKappa fleissKappa spanF1 spanF1ByLabel { label f1 } }\n  }\n"): typeof import('./graphql').StudioAgreementDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioDatasets {\n    datasets(first: 200) {\n      totalCount\n      edges { node { id name team version documentCount updatedAt } }\n    }\n  }\n"): typeof import('./graphql').StudioDatasetsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioDataset($id: ID!) {\n    dataset(id: $id) {\n      id name description team keyField version documentCount createdAt updatedAt\n      fields { name type required min max enum pattern unit sensitive }\n    }\n  }\n"): typeof import('./graphql').StudioDatasetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioDocuments($dataset: ID!, $where: [FieldFilter!], $orderBy: [FieldOrder!], $first: Int, $after: String) {\n    documents(dataset: $dataset, where: $where, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { key fields version } }\n    }\n  }\n"): typeof import('./graphql').StudioDocumentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioAudit($where: AuditFilter, $first: Int, $after: String) {\n    auditLog(where: $where, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { seq at actor team action resource decision summary hash } }\n    }\n  }\n"): typeof import('./graphql').StudioAuditDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioVerifyAudit {\n    verifyAudit { ok checked firstBrokenSeq signed checkpoints firstBadCheckpoint checkpointProblem }\n  }\n"): typeof import('./graphql').StudioVerifyAuditDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioShares($dataset: ID!) {\n    shares(dataset: $dataset) { dataset team role fields rowFilter { field op value } expiresAt expired createdBy createdAt }\n  }\n"): typeof import('./graphql').StudioSharesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioShare($input: ShareDatasetInput!) {\n    shareDataset(input: $input) { dataset team role fields expiresAt }\n  }\n"): typeof import('./graphql').StudioShareDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioRevokeShare($dataset: ID!, $team: ID!) {\n    revokeShare(dataset: $dataset, team: $team) { team }\n  }\n"): typeof import('./graphql').StudioRevokeShareDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioKeys($team: ID!) {\n    apiKeys(team: $team) { id name team role prefix revoked expiresAt createdAt lastUsedAt }\n  }\n"): typeof import('./graphql').StudioKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioCreateKey($input: CreateApiKeyInput!) {\n    createApiKey(input: $input) { secret key { id name role prefix } }\n  }\n"): typeof import('./graphql').StudioCreateKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioRotateKey($id: ID!) {\n    rotateApiKey(id: $id) { secret key { id name role prefix } }\n  }\n"): typeof import('./graphql').StudioRotateKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioRevokeKey($id: ID!) {\n    revokeApiKey(id: $id) { id revoked }\n  }\n"): typeof import('./graphql').StudioRevokeKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioModels {\n    models(first: 200) {\n      edges { node { id team dataset latestVersion createdAt aliases { alias version } } }\n    }\n  }\n"): typeof import('./graphql').StudioModelsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioModelVersion($model: ID!, $version: Int) {\n    model(id: $model) { id latestVersion aliases { alias version } }\n    modelVersion(model: $model, version: $version) {\n      model version aliases dataset datasetVersion snapshotSha256 job label positiveClass features intercept threshold rows createdAt createdBy warnings\n      coefficients { feature value oddsRatio redacted }\n      train { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n      test { rows accuracy precision recall f1 logLoss brier rocAuc averagePrecision }\n    }\n  }\n"): typeof import('./graphql').StudioModelVersionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioPredict($model: ID!, $version: Int, $inputs: [JSON!]!) {\n    predict(model: $model, version: $version, inputs: $inputs) { probability label error warnings contributions { feature value } }\n  }\n"): typeof import('./graphql').StudioPredictDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioReviewItem($task: ID!, $document: ID!) {\n    reviewItem(task: $task, document: $document) {\n      task document text\n      annotations {\n        annotator status version labels\n        spans { id start end label text }\n        relations { type head tail }\n        events { type trigger arguments { role span } }\n      }\n      gold { annotator version labels spans { id start end label text } relations { type head tail } events { type trigger arguments { role span } } }\n    }\n  }\n"): typeof import('./graphql').StudioReviewItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioReviewQueue($task: ID!, $filter: ReviewFilter, $first: Int, $after: String) {\n    reviewQueue(task: $task, filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { document annotators submitted drafts agree gold updatedAt } }\n    }\n  }\n"): typeof import('./graphql').StudioReviewQueueDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioSaveGold($input: SaveAnnotationInput!) {\n    saveGold(input: $input) { version }\n  }\n"): typeof import('./graphql').StudioSaveGoldDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioDatasetVersions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      versions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { version createdAt rows ingestion snapshot { status bytes sha256 } } }\n      }\n    }\n  }\n"): typeof import('./graphql').StudioDatasetVersionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StudioIngestionFields on Ingestion {\n    id dataset source format mode status job read inserted updated unchanged rejected datasetVersion\n    failedChecks report error createdBy createdAt finishedAt\n  }\n"): typeof import('./graphql').StudioIngestionFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioIngestion($id: ID!) {\n    ingestion(id: $id) { ...StudioIngestionFields }\n  }\n"): typeof import('./graphql').StudioIngestionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioDatasetIngestions($id: ID!, $first: Int, $after: String) {\n    dataset(id: $id) {\n      id\n      ingestions(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { ...StudioIngestionFields } }\n      }\n    }\n  }\n"): typeof import('./graphql').StudioDatasetIngestionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioRejects($id: ID!, $first: Int, $after: String) {\n    ingestion(id: $id) {\n      id\n      rejects(first: $first, after: $after) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { line reasons raw } }\n      }\n    }\n  }\n"): typeof import('./graphql').StudioRejectsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioIngest($input: IngestInput!) {\n    ingest(input: $input) { id kind status progress result }\n  }\n"): typeof import('./graphql').StudioIngestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StudioJobFields on Job {\n    id kind status progress error errorCode result createdAt startedAt finishedAt updatedAt\n    detail { phase rows bytes totalBytes rowsPerSecond message }\n  }\n"): typeof import('./graphql').StudioJobFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioJob($id: ID!) {\n    job(id: $id) { ...StudioJobFields }\n  }\n"): typeof import('./graphql').StudioJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription StudioJobUpdated($id: ID!) {\n    jobUpdated(id: $id) { ...StudioJobFields }\n  }\n"): typeof import('./graphql').StudioJobUpdatedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioSetAlias($model: ID!, $alias: String!, $version: Int!) {\n    setModelAlias(model: $model, alias: $alias, version: $version) { model version aliases }\n  }\n"): typeof import('./graphql').StudioSetAliasDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioRemoveAlias($model: ID!, $alias: String!) {\n    removeModelAlias(model: $model, alias: $alias) { id aliases { alias version } }\n  }\n"): typeof import('./graphql').StudioRemoveAliasDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioTeams {\n    teams { id name }\n  }\n"): typeof import('./graphql').StudioTeamsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioCreateDataset($input: CreateDatasetInput!) {\n    createDataset(input: $input) { id team }\n  }\n"): typeof import('./graphql').StudioCreateDatasetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment StudioSchemaFields on LabelSchema {\n    id team entities classes multiLabel relations { name head tail } events { name trigger roles { name labels } }\n  }\n"): typeof import('./graphql').StudioSchemaFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query StudioLabelSchemas($first: Int, $after: String) {\n    labelSchemas(first: $first, after: $after) {\n      pageInfo { hasNextPage endCursor }\n      edges { node { ...StudioSchemaFields } }\n    }\n  }\n"): typeof import('./graphql').StudioLabelSchemasDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioCreateSchema($input: LabelSchemaInput!) {\n    createLabelSchema(input: $input) { ...StudioSchemaFields }\n  }\n"): typeof import('./graphql').StudioCreateSchemaDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StudioCreateTask($input: AnnotationTaskInput!) {\n    createAnnotationTask(input: $input) { id items }\n  }\n"): typeof import('./graphql').StudioCreateTaskDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
