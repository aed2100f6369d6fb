import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/**
 * Validates values against the components of an OpenAPI 3.1 document with Ajv (JSON Schema 2020-12, the
 * document's dialect). The document is added whole, so `#/components/schemas/…` references resolve.
 */
export class DocumentValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  constructor(document: object) {
    addFormats(this.ajv);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ ...document, $id: 'voxgate-openapi' });
  }

  /** Error messages (`/path message`), empty when `value` is valid against the component `name`. */
  errors(name: string, value: unknown): string[] {
    const validate = this.ajv.getSchema(`voxgate-openapi#/components/schemas/${name}`);
    if (!validate) throw new Error(`no component ${name}`);
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error: ErrorObject) => `${error.instancePath} ${error.message ?? ''}`);
  }
}
