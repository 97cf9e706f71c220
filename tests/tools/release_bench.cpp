// A synthetic store for the release benchmark (bench/release_bench.sh): N accepted born-digital
// documents written through the store's own CommitResult (real transformations, deltas,
// metrics and contract decisions), each with its own source and a text of 80 words drawn from
// a 5,000-word vocabulary; every 100th document is a near duplicate of the one before (one word
// changed), so dedup and grouped splits have work. Usage: release_bench N DIR
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "core/clock.h"
#include "core/delta.h"
#include "core/document.h"
#include "core/sha256.h"
#include "core/store.h"
#include "core/work.h"

using namespace assay;

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::stoi(argv[1]) : 100000;
  const std::filesystem::path dir = argc > 2 ? argv[2] : "/tmp/assay-release-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Store store(dir / "assay.db", /*create=*/true);
  const std::string now = NowRfc3339();
  RunRecord run;
  run.started_at = now;
  run.tool_version = "bench";
  run.git_commit = "bench";
  run.config_hash = Sha256Hex("bench");
  run.config = "{}";
  run.libraries = "{\"libraries\":{\"synthetic\":\"1\"}}";
  run.tessdata_sha256 = "";
  run.host = "bench";
  run.argv = "[]";
  const int64_t run_id = store.BeginRun(run);
  const std::string contract_text = "[contract]\nmodality = \"pdf_text\"\nversion = 1\n";
  const std::string contract_sha = Sha256Hex(contract_text);
  store.RegisterContract(contract_sha, "pdf_text", 1, "bench", contract_text, now);
  const std::string pv = Sha256Hex("bench processing version");
  std::mt19937 rng(42);
  std::vector<std::string> previous;
  for (int i = 0; i < n; ++i) {
    const std::string source = Sha256Hex("synthetic source " + std::to_string(i));
    {
      Transaction tx(store.db());
      SourceRecord s{source, 1000, "application/pdf", "/synthetic/" + std::to_string(i) + ".pdf",
                     std::to_string(i) + ".pdf"};
      store.RegisterSource(s, run_id, now);
      DocumentRecord d{source, source, s.path, "pdf", std::nullopt, std::nullopt, i % 7 == 0 ? "[\"seven\"]" : "[]"};
      store.RegisterDocument(d, now);
      tx.Commit();
    }
    std::vector<std::string> words;
    if (i % 100 == 99) {
      words = previous;
      words[40] = "changed";
    } else {
      for (int w = 0; w < 80; ++w) words.push_back("w" + std::to_string(rng() % 5000));
    }
    previous = words;
    Document doc;
    doc.container = "pdf";
    doc.modality = "pdf_text";
    Page page;
    page.width = 612;
    page.height = 792;
    page.text_source = "pdf_text";
    Block block;
    block.bbox = {72, 72, 540, 720};
    Line line;
    line.bbox = block.bbox;
    for (const std::string& w : words) {
      Word word;
      word.text = w;
      word.bbox = {72, 72, 100, 84};
      line.words.push_back(word);
    }
    block.lines.push_back(line);
    page.blocks.push_back(block);
    doc.pages.push_back(page);
    doc.metrics = {{"pdf.word_count", 80}, {"text.words", 80},
                   {"text.dictionary_word_ratio", 0.5 + (i % 500) / 1000.0}};
    doc.Normalize();
    const CanonicalJson delta = ContentDelta(InitialContent("pdf"), doc.ToContentJson());
    const std::string delta_text = DumpCanonical(delta);
    TransformationRecord t;
    t.stage = "pdf_text";
    t.stage_version = 1;
    t.input_sha256 = source;
    t.delta_sha256 = Sha256Hex(delta_text);
    t.output_sha256 = NextStateSha256(source, t.delta_sha256, delta.empty());
    t.started_at = now;
    t.outcome = "ok";
    WorkResult r;
    r.doc_id = source;
    r.modality = "pdf_text";
    r.transformations.push_back(t);
    r.outputs[t.delta_sha256] = delta_text;
    r.metrics = doc.metrics;
    r.page_count = 1;
    r.output_sha256 = t.output_sha256;
    r.ran_from = 0;
    ContractDecisionRecord decision;
    decision.contract_sha256 = contract_sha;
    decision.outcome = "accepted";
    decision.rows.push_back({"", "words_found", "pdf.word_count", 80.0, "min", "1", "reject", "pass"});
    store.CommitResult(run_id, pv, r, now, &decision);
    if ((i + 1) % 20000 == 0) std::fprintf(stderr, "%d documents\n", i + 1);
  }
  store.FinishRun(run_id, "finished", NowRfc3339());
  std::printf("synthetic store: %d documents in %s\n", n, dir.c_str());
  return 0;
}
