import { z } from 'zod';
import { PIPELINE_VERSION, PipelineDocument } from './document.js';

/** The JSON Schema of the pipeline file, for outside tools (editors, CI checks). */
export function pipelineJsonSchema(): Record<string, unknown> {
  return {
    $id: `https://plumb.dev/schemas/plumb.pipeline.v${PIPELINE_VERSION}.json`,
    title: 'Plumb pipeline',
    ...z.toJSONSchema(PipelineDocument, { target: 'draft-2020-12' }),
  };
}
