-- assay store, migration 16: what `assay serve` filters and orders the queue by, kept as plain
-- columns and rows so that a filtered page of a large queue reads indexes instead of parsing
-- every item's reasons as JSON and joining every item with its document (issue 15: a rule or
-- modality filter over 100k items took ~350 ms). Triggers keep them in step with the columns
-- they are derived from, so no writer can forget them (the store, merge, upkeep all insert and
-- update queue_items with plain SQL).
--   queue_items.first_rule  the rule the page orders an item under: its first reason's rule,
--                           or for an error the stage that failed ('' when none)
--   queue_items.modality    its document's COALESCE(modality, container), as `status` shows it
--   queue_item_rules        one row per (rule or failed stage, item) of the item's reasons

ALTER TABLE queue_items ADD COLUMN first_rule TEXT NOT NULL DEFAULT '';
ALTER TABLE queue_items ADD COLUMN modality TEXT;

CREATE TABLE queue_item_rules (
  rule    TEXT NOT NULL,
  item_id INTEGER NOT NULL,
  PRIMARY KEY (rule, item_id)
);
CREATE INDEX queue_item_rules_item ON queue_item_rules(item_id);

UPDATE queue_items SET
  first_rule = COALESCE(json_extract(reasons, '$[0].rule'), json_extract(reasons, '$[0].stage'), ''),
  modality = (SELECT COALESCE(d.modality, d.container) FROM documents d
              WHERE d.doc_id = queue_items.doc_id);
INSERT OR IGNORE INTO queue_item_rules(rule, item_id)
  SELECT COALESCE(json_extract(j.value, '$.rule'), json_extract(j.value, '$.stage')), q.item_id
  FROM queue_items q, json_each(q.reasons) j
  WHERE COALESCE(json_extract(j.value, '$.rule'), json_extract(j.value, '$.stage')) IS NOT NULL;

CREATE TRIGGER queue_items_derive_insert AFTER INSERT ON queue_items BEGIN
  UPDATE queue_items SET
    first_rule = COALESCE(json_extract(NEW.reasons, '$[0].rule'),
                          json_extract(NEW.reasons, '$[0].stage'), ''),
    modality = (SELECT COALESCE(d.modality, d.container) FROM documents d
                WHERE d.doc_id = NEW.doc_id)
  WHERE item_id = NEW.item_id;
  INSERT OR IGNORE INTO queue_item_rules(rule, item_id)
    SELECT COALESCE(json_extract(j.value, '$.rule'), json_extract(j.value, '$.stage')), NEW.item_id
    FROM json_each(NEW.reasons) j
    WHERE COALESCE(json_extract(j.value, '$.rule'), json_extract(j.value, '$.stage')) IS NOT NULL;
END;

CREATE TRIGGER queue_items_derive_reasons AFTER UPDATE OF reasons ON queue_items BEGIN
  UPDATE queue_items SET
    first_rule = COALESCE(json_extract(NEW.reasons, '$[0].rule'),
                          json_extract(NEW.reasons, '$[0].stage'), '')
  WHERE item_id = NEW.item_id;
  DELETE FROM queue_item_rules WHERE item_id = NEW.item_id;
  INSERT OR IGNORE INTO queue_item_rules(rule, item_id)
    SELECT COALESCE(json_extract(j.value, '$.rule'), json_extract(j.value, '$.stage')), NEW.item_id
    FROM json_each(NEW.reasons) j
    WHERE COALESCE(json_extract(j.value, '$.rule'), json_extract(j.value, '$.stage')) IS NOT NULL;
END;

CREATE TRIGGER queue_items_derive_delete AFTER DELETE ON queue_items BEGIN
  DELETE FROM queue_item_rules WHERE item_id = OLD.item_id;
END;

CREATE TRIGGER documents_queue_modality AFTER UPDATE OF modality, container ON documents BEGIN
  UPDATE queue_items SET modality = COALESCE(NEW.modality, NEW.container)
  WHERE doc_id = NEW.doc_id AND modality IS NOT COALESCE(NEW.modality, NEW.container);
END;

-- The page's groups: active items per first rule, and the order inside a group.
DROP INDEX IF EXISTS queue_items_first_rule;
CREATE INDEX queue_items_group ON queue_items(first_rule, kind = 'error' DESC, item_id)
  WHERE state IN ('open', 'claimed');
CREATE INDEX queue_items_modality ON queue_items(modality);
