/** OpenAPI `Model`: one entry of `GET /v1/models`, also the body of `GET /v1/models/{model}`. */
export interface ModelObject {
  id: string;
  object: 'model';
  /** Unix seconds. */
  created: number;
  owned_by: string;
}

/** OpenAPI `ListModelsResponse`. */
export interface ModelList {
  object: 'list';
  data: ModelObject[];
}
