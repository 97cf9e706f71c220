-- assay store, migration 6: paths are stored as path text (core/path_text.h): valid UTF-8 as
-- it is, a backslash as `\\`, a byte that is not valid UTF-8 as `\xHH`. File names are bytes
-- on Linux; this keeps every one, readable with the sqlite3 shell and valid in JSON.
-- Paths recorded before were raw bytes: their backslashes are escaped here so they decode to
-- the same bytes (a raw byte that is not valid UTF-8 decodes to itself; plain SQL cannot
-- rewrite it, and nothing else changes meaning).
UPDATE documents SET path = replace(path, char(92), char(92) || char(92))
  WHERE instr(path, char(92)) > 0;
UPDATE documents SET ground_truth = replace(ground_truth, char(92), char(92) || char(92))
  WHERE instr(ground_truth, char(92)) > 0;
UPDATE source_paths SET path = replace(path, char(92), char(92) || char(92)),
                        relative_path = replace(relative_path, char(92), char(92) || char(92))
  WHERE instr(path, char(92)) > 0 OR instr(relative_path, char(92)) > 0;

-- The file's real path (symlinks resolved), as path text, when it differs from `path`: a
-- symlink, or a path outside its input root taken with --allow-outside-inputs.
ALTER TABLE source_paths ADD COLUMN resolved_path TEXT;
