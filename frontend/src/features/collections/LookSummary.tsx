import type { GenerationOptionsOut } from '@/client/types.gen';
import { useCategories } from '@/features/products/hooks';

import { type CollectionLook, lookOf } from './collections';
import type { Collection } from './hooks';

/** "Style: Scandinavian", one line per bubble the look sets, in the editor's order. */
function bubbleLines(look: Pick<CollectionLook, 'bubbles'>, options: GenerationOptionsOut): string[] {
  return options.bubbles.filter((b) => (look.bubbles[b.type] ?? []).length > 0).map((b) => `${b.label}: ${(look.bubbles[b.type] ?? []).join(', ')}`);
}

/** What the collection asks for, read-only: the shared look, then each section and who it is for. */
export function LookSummary({ collection, options }: { collection: Collection; options: GenerationOptionsOut }) {
  const { categories } = useCategories();
  const look = lookOf(collection.settings);
  const sceneLabel = (value: string) => options.scene_types.find((scene) => scene.value === value)?.label ?? value;
  const categoryName = (id: string) => categories.find((category) => category.id === id)?.name ?? 'A deleted category';
  const shared = bubbleLines(look, options);
  const format = [look.aspectRatio, look.quality.toUpperCase()].filter(Boolean).join(' · ');
  return (
    <dl className="facts look-summary">
      <div>
        <dt>Shared look</dt>
        <dd>
          <ul className="look-lines">
            <li>Scene: {look.sceneType ? sceneLabel(look.sceneType) : "each product's own"}</li>
            <li>Format: {format || "each product's own"}</li>
            {shared.map((line) => (
              <li key={line}>{line}</li>
            ))}
            {look.prompt && <li>Prompt: “{look.prompt}”</li>}
          </ul>
          {shared.length === 0 && !look.prompt && <p className="muted">No bubbles: each product's own settings decide the scene.</p>}
        </dd>
      </div>
      {collection.sections.map((section, index) => {
        const lines = bubbleLines(lookOf(section.settings), options);
        const who = [
          section.category_ids.length > 0 ? section.category_ids.map(categoryName).join(', ') : 'every product',
          section.scene_types.length > 0 ? `in ${section.scene_types.map(sceneLabel).join(' or ')} scenes` : '',
        ]
          .filter(Boolean)
          .join(' ');
        return (
          <div key={`${section.name}-${index}`}>
            <dt>Section: {section.name}</dt>
            <dd>
              <p className="muted">For {who}</p>
              {lines.length > 0 ? (
                <ul className="look-lines">
                  {lines.map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              ) : (
                <p className="muted">No bubbles of its own.</p>
              )}
            </dd>
          </div>
        );
      })}
    </dl>
  );
}
