-- assay store, migration 3: the stage framework.
-- A stage's reuse key covers its resources (models, dictionaries, data files) and the versions
-- of the libraries it calls; its output is stored as the difference it made (a JSON Patch);
-- reuse is recorded apart from the stage's note; sources remember the path relative to the
-- input root they were found under (stable across machines and shards).

-- {"libraries": {...}, "resources": [{kind, name, sha256}]}: what resources_sha256 hashes.
ALTER TABLE transformations ADD COLUMN resources TEXT NOT NULL DEFAULT '{}';
-- NULL for transformations made before migration 3: their key did not cover resources, so
-- they are never reused.
ALTER TABLE transformations ADD COLUMN resources_sha256 TEXT;
-- outputs row holding the stage's JSON Patch against its input's content. NULL before
-- migration 3, when output_sha256 named an outputs row holding the whole content.
ALTER TABLE transformations ADD COLUMN delta_sha256 TEXT;
-- The transformation this one copies when a run reused earlier work instead of running it.
ALTER TABLE transformations ADD COLUMN reused_from INTEGER REFERENCES transformations(transformation_id);
DROP INDEX transformations_key;
CREATE INDEX transformations_key
  ON transformations(stage, stage_version, params_sha256, resources_sha256, input_sha256);

-- The path relative to the input root it was found under (the walked folder, the manifest's
-- folder, or the file's own folder when given directly).
ALTER TABLE source_paths ADD COLUMN relative_path TEXT;
