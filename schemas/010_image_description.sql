-- assay store, migration 10: what the manifest says about an image besides its alt-text
-- (issue 11, docs/alt_text.md): its caption and its W3C role (informative, decorative,
-- functional, functional-redundant, image-of-text, complex, group, imagemap). Part of the
-- document's identity when given, like alt_text; NULL when the manifest does not say.
ALTER TABLE documents ADD COLUMN caption TEXT;
ALTER TABLE documents ADD COLUMN image_role TEXT;
