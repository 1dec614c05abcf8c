import { Document, isMap, isScalar, isSeq, visit } from 'yaml';
import { asyncApiDocument } from './asyncapi';

const HEADER = [
  ' Generated from code by `npm run asyncapi` (apps/api/src/contract/asyncapi.ts): do not edit.',
  ' Inbox messages come from the command declarations (apps/api/src/command-catalog.ts) and their DTOs,',
  ' event data schemas from libs/domain/src/<feature>/*.schemas.ts, topics from libs/messaging/src/topics.ts.',
].join('\n');

/** A list of scalars is written `[ a, b ]`, and a map of scalars short enough for one line `{ a: 1 }`, as a person would. */
const SHORT = 100;

/** docs/asyncapi.yaml as `npm run asyncapi` writes it. */
export function asyncApiYaml(): string {
  // No anchors for objects used twice; quoted as YAML 1.1 readers need it too (a date-time or `yes` stays a string).
  const doc = new Document(asyncApiDocument(), { aliasDuplicateObjects: false, version: '1.1' });
  doc.commentBefore = HEADER;
  visit(doc, {
    Collection(_, node) {
      const items = isMap(node) ? node.items.map((pair) => pair.value) : isSeq(node) ? node.items : [];
      if (items.length > 0 && items.every((item) => isScalar(item) && !String(item.value).includes('\n'))) {
        node.flow = isSeq(node) || JSON.stringify(node.toJSON()).length <= SHORT;
      }
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true, singleQuote: true });
}
