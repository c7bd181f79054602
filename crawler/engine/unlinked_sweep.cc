#include "crawler/engine/unlinked_sweep.h"

#include "common/coding.h"
#include "storage/keys.h"
#include "storage/run_page.h"
#include "storage/store_reader.h"

namespace gleaner::crawler {

namespace {

// Writes staged between two commits: bounds the batch, not the pass.
constexpr size_t kWritesPerCommit = 4096;

// Commits once the writer's batch holds kWritesPerCommit writes.
Status CommitWhenFull(storage::JobWriter* writer, const std::function<Status()>& commit) {
  return writer->batch()->Count() >= kWritesPerCommit ? commit() : Status::OK();
}

}  // namespace

Status RequireLinks(storage::JobWriter* writer, bool kept_before,
                    const std::function<Status()>& commit) {
  storage::StoreReader reader(writer->store());
  Status s;
  GLEANER_RETURN_IF_ERROR(
      reader.ScanUrlStates(writer->job(), [&](std::string_view url, const v1::UrlState& state) {
        if (!state.has_item()) return true;
        if (kept_before) {
          std::string links;
          s = writer->store()->Get(storage::Family::kUrls, storage::UrlLinksKey(writer->job(), url),
                                   &links);
          if (s.ok() || !s.IsNotFound()) return s.ok();
        }
        s = writer->UpdateUrlState(url, [](v1::UrlState* u) {
          u->mutable_item()->clear_etag();
          u->mutable_item()->clear_last_modified();
          u->set_next_due_micros(0);
        });
        if (s.ok()) s = CommitWhenFull(writer, commit);
        return s.ok();
      }));
  GLEANER_RETURN_IF_ERROR(s);
  return commit();
}

namespace {

// Every URL a page reached in the run links to gets the run's `mark`.
Status MarkLinked(storage::JobWriter* writer, const std::string& mark,
                  const std::function<Status()>& commit) {
  const uint32_t run = writer->state().run().number();
  storage::StoreReader reader(writer->store());
  Status s;
  GLEANER_RETURN_IF_ERROR(reader.ScanPageLinks(writer->job(), [&](std::string_view page,
                                                                  const v1::PageLinks& links) {
    if (links.run() != run) {
      // Not fetched in the run: its links stand only while the run
      // revisits (or carries over) the page, which a URL state's item says.
      // A page whose records went to its canonical URL has none: it was
      // not reached, and its links are dropped.
      v1::UrlState state;
      s = writer->ReadUrlState(page, &state);
      if (s.IsNotFound() || (s.ok() && !state.has_item())) {
        writer->batch()->Delete(storage::Family::kUrls, storage::UrlLinksKey(writer->job(), page));
        s = CommitWhenFull(writer, commit);
        return s.ok();
      }
      if (!s.ok()) return false;
    }
    for (const std::string& url : links.urls()) {
      writer->batch()->Put(storage::Family::kUrls, storage::UrlLinkedKey(writer->job(), url), mark);
    }
    s = CommitWhenFull(writer, commit);
    return s.ok();
  }));
  return s;
}

}  // namespace

Status SweepUnlinked(storage::JobWriter* writer,
                     const std::function<bool(std::string_view url)>& is_seed,
                     const std::function<Status()>& commit) {
  v1::CrawlRun* run = writer->mutable_state()->mutable_run();
  std::string mark;
  PutFixed32BE(&mark, run->number());
  // Marked once, from the links as the run left them: the sweep below drops
  // the links of what it removes, so marking again would mark less.
  if (!run->links_marked()) {
    GLEANER_RETURN_IF_ERROR(MarkLinked(writer, mark, commit));
    run->set_links_marked(true);
    GLEANER_RETURN_IF_ERROR(commit());
  }
  const std::string& job = writer->job();
  auto linked = [&](std::string_view url, bool* yes) {
    std::string value;
    Status s =
        writer->store()->Get(storage::Family::kUrls, storage::UrlLinkedKey(job, url), &value);
    *yes = s.ok() && value == mark;
    return s.IsNotFound() ? Status::OK() : s;
  };
  storage::StoreReader reader(writer->store());
  Status s;
  GLEANER_RETURN_IF_ERROR(
      reader.ScanUrlStates(job, [&](std::string_view url, const v1::UrlState& state) {
        // Without an item the URL is not revisited: dropped already, or never queued.
        if (!state.has_item() || state.item().is_sitemap()) return true;
        // A page reached through a redirect is stored at the address it ended on.
        const std::string& queued = state.item().url();
        if (is_seed(url) || is_seed(queued)) return true;
        bool kept = false;
        s = linked(url, &kept);
        if (s.ok() && !kept && queued != url) s = linked(queued, &kept);
        if (!s.ok() || kept) return s.ok();
        s = storage::CloseRunUrl(writer, url);
        if (s.ok()) s = writer->UpdateUrlState(url, [](v1::UrlState* u) { u->clear_item(); });
        if (s.ok()) s = CommitWhenFull(writer, commit);
        return s.ok();
      }));
  return s;
}

}  // namespace gleaner::crawler
