// `gleaner stage ...`: inspection of the staging store. Every reading verb
// opens the store as a follower, so it works while a crawl is writing;
// `delete`, the one that writes, needs the store to itself.
#include <iostream>
#include <map>
#include <memory>

#include "storage/job_phase.h"
#include "storage/store_reader.h"
#include "tools/commands.h"
#include "tools/output_format.h"

namespace gleaner::tools {
namespace {

struct StageFlags {
  std::string data;
  bool json = false;
  std::string job;
  std::string url;
  std::string prefix;
  int64_t limit = -1;
  std::string format = "jsonl";
  bool yes = false;
  uint32_t run = 0;  // --run: the run whose records to read; 0 the default
};

// Opens the follower and a reader over it, then runs `body`.
Status WithReader(const StageFlags& f, const std::function<Status(storage::StoreReader&)>& body) {
  std::unique_ptr<storage::StagingStore> store;
  GLEANER_RETURN_IF_ERROR(storage::StagingStore::OpenFollower(ResolveDataDir(f.data), &store));
  storage::StoreReader reader(store.get());
  return body(reader);
}

// Every per-job verb fails the same way for an unknown job.
Status RequireJob(storage::StoreReader& r, const std::string& job, v1::JobState* state) {
  return r.GetJob(job, state);
}

// The run --run names (the default without it), checked against the job's.
Status RequireRun(storage::StoreReader& r, const StageFlags& f, uint32_t* run) {
  v1::JobState j;
  GLEANER_RETURN_IF_ERROR(RequireJob(r, f.job, &j));
  return r.ResolveRun(f.job, f.run, run);
}

std::string FieldsSummary(const v1::Record& rec) {
  std::string s;
  for (const auto& f : rec.fields()) {
    if (!s.empty()) s += "  ";
    s += f.name() + "=" + Truncate(ValueToText(f.value()), 40);
  }
  return s;
}

Status Jobs(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    std::vector<v1::JobState> jobs;
    GLEANER_RETURN_IF_ERROR(r.ListJobs(&jobs));
    if (f.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::array();
      for (const auto& j : jobs) out.push_back(JobToJson(j));
      std::cout << DumpJson(out, 2) << '\n';
      return Status::OK();
    }
    if (jobs.empty()) {
      std::cout << "no jobs in " << ResolveDataDir(f.data) << '\n';
      return Status::OK();
    }
    TablePrinter t(
        {"JOB", "PHASE", "RUN", "RECORDS", "PAGES", "ERRORS", "FETCHED", "BYTES", "UPDATED"});
    for (const auto& j : jobs) {
      t.AddRow({j.name(), storage::JobPhaseWord(j.phase()),
                j.run().number() != 0 ? std::to_string(j.run().number()) : "-",
                std::to_string(j.record_count()),
                std::to_string(j.page_count()), std::to_string(j.error_count()),
                std::to_string(j.stats().pages_fetched()),
                std::to_string(j.stats().bytes_fetched()),
                shards::FormatTimestampMicros(j.updated_micros())});
    }
    t.Print(std::cout);
    return Status::OK();
  });
}

Status Count(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    v1::JobState j;
    GLEANER_RETURN_IF_ERROR(RequireJob(r, f.job, &j));
    if (f.json) {
      std::cout << DumpJson({{"job", j.name()},
                             {"records", j.record_count()},
                             {"pages", j.page_count()},
                             {"errors", j.error_count()}})
                << '\n';
    } else {
      std::cout << j.record_count() << '\n';
    }
    return Status::OK();
  });
}

Status Scan(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    uint32_t run = 0;
    GLEANER_RETURN_IF_ERROR(RequireRun(r, f, &run));
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    TablePrinter t({"URL", "FETCHED", "FIELDS"});
    int64_t seen = 0;
    auto visit = [&](const v1::Record& rec) {
      if (f.limit >= 0 && seen >= f.limit) return false;
      ++seen;
      if (f.json) {
        out.push_back(RecordToJson(rec));
      } else {
        t.AddRow({rec.source_url(), shards::FormatTimestampMicros(rec.fetch_time_micros()),
                  FieldsSummary(rec)});
      }
      return true;
    };
    GLEANER_RETURN_IF_ERROR(f.prefix.empty() ? r.ScanRecords(f.job, run, visit)
                                             : r.ScanRecordsWithUrlPrefix(f.job, f.prefix, visit));
    if (f.json) {
      std::cout << DumpJson(out, 2) << '\n';
    } else {
      t.Print(std::cout);
      std::cout << "(" << seen << " records)\n";
    }
    return Status::OK();
  });
}

Status Runs(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    v1::JobState j;
    GLEANER_RETURN_IF_ERROR(RequireJob(r, f.job, &j));
    std::vector<v1::CrawlRun> runs;
    GLEANER_RETURN_IF_ERROR(r.ListRuns(f.job, &runs));
    PrintRuns(runs, f.json, std::cout);
    return Status::OK();
  });
}

Status Get(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    v1::JobState j;
    GLEANER_RETURN_IF_ERROR(RequireJob(r, f.job, &j));
    std::vector<v1::Record> records;
    v1::Page page;
    v1::UrlState state;
    GLEANER_RETURN_IF_ERROR(r.GetUrl(f.job, f.url, &records, &page, &state));
    bool has_page = !page.url().empty();
    const bool has_state = state.ByteSizeLong() != 0;
    if (f.json) {
      nlohmann::ordered_json recs = nlohmann::ordered_json::array();
      for (const auto& rec : records) recs.push_back(RecordToJson(rec));
      std::cout << DumpJson(
                       {{"url", f.url},
                        {"page", has_page ? PageToJson(page) : nlohmann::ordered_json()},
                        {"state", has_state ? UrlStateToJson(state) : nlohmann::ordered_json()},
                        {"records", recs}},
                       2)
                << '\n';
      return Status::OK();
    }
    std::cout << "url: " << f.url << '\n';
    if (has_page) {
      std::cout << "page: status " << page.status() << ", " << page.body_size()
                << " bytes, fetched " << shards::FormatTimestampMicros(page.fetch_time_micros());
      if (page.final_url() != page.url() && !page.final_url().empty()) {
        std::cout << ", final URL " << page.final_url();
      }
      std::cout << '\n';
    } else {
      std::cout << "page: not stored\n";
    }
    if (state.failures() != 0) {
      std::cout << "failures: " << state.failures() << " in a row, the last "
                << v1::ErrorKind_Name(state.last_failure()) << " (retried in the next run)\n";
    }
    if (state.next_due_micros() != 0) {
      std::cout << "next due: " << shards::FormatTimestampMicros(state.next_due_micros())
                << " (interval " << state.interval_micros() / 1000000 << " s)\n";
    }
    std::cout << "records: " << records.size() << '\n';
    for (size_t i = 0; i < records.size(); ++i) {
      std::cout << "  [" << i << "]\n";
      for (const auto& field : records[i].fields()) {
        std::cout << "    " << field.name() << ": " << ValueToText(field.value()) << '\n';
      }
    }
    return Status::OK();
  });
}

Status Errors(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    v1::JobState j;
    GLEANER_RETURN_IF_ERROR(RequireJob(r, f.job, &j));
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    TablePrinter t({"URL", "KIND", "STATUS", "ATTEMPTS", "MESSAGE"});
    int64_t seen = 0;
    GLEANER_RETURN_IF_ERROR(r.ScanErrors(f.job, [&](const v1::FetchError& e) {
      if (f.limit >= 0 && seen >= f.limit) return false;
      ++seen;
      if (f.json) {
        out.push_back(ErrorToJson(e));
      } else {
        t.AddRow({e.url(), ErrorToJson(e)["kind"].get<std::string>(),
                  e.http_status() ? std::to_string(e.http_status()) : "-",
                  std::to_string(e.attempts()), Truncate(e.message(), 60)});
      }
      return true;
    }));
    if (f.json) {
      std::cout << DumpJson(out, 2) << '\n';
    } else {
      t.Print(std::cout);
      std::cout << "(" << seen << " errors)\n";
    }
    return Status::OK();
  });
}

Status Stats(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    std::vector<storage::FamilyStats> stats;
    GLEANER_RETURN_IF_ERROR(r.Stats(&stats));
    if (f.json) {
      nlohmann::ordered_json out = nlohmann::ordered_json::object();
      for (const auto& s : stats) {
        out[s.name] = {{"keys", s.keys}, {"bytes", s.bytes}, {"sst_bytes", s.sst_bytes}};
      }
      std::cout << DumpJson(out, 2) << '\n';
      return Status::OK();
    }
    TablePrinter t({"FAMILY", "KEYS", "BYTES", "SST_BYTES"});
    for (const auto& s : stats) {
      t.AddRow(
          {s.name, std::to_string(s.keys), std::to_string(s.bytes), std::to_string(s.sst_bytes)});
    }
    t.Print(std::cout);
    return Status::OK();
  });
}

Status Dump(const StageFlags& f) {
  return WithReader(f, [&](storage::StoreReader& r) {
    uint32_t run = 0;
    GLEANER_RETURN_IF_ERROR(RequireRun(r, f, &run));
    if (f.json) {  // one array, streamed: a job may not fit in memory
      bool first = true;
      std::cout << '[';
      GLEANER_RETURN_IF_ERROR(r.ScanRecords(f.job, run, [&](const v1::Record& rec) {
        std::cout << (first ? "\n" : ",\n") << DumpJson(RecordToJson(rec));
        first = false;
        return true;
      }));
      std::cout << "\n]\n";
      return Status::OK();
    }
    if (f.format == "jsonl") {
      return r.ScanRecords(f.job, run, [&](const v1::Record& rec) {
        std::cout << DumpJson(RecordToJson(rec)) << '\n';
        return true;
      });
    }
    // CSV needs the header first: the union of field names in order of first
    // appearance, from a first pass over the same consistent view.
    std::vector<std::string> columns = {"source_url", "fetch_time"};
    std::map<std::string, size_t> index;
    GLEANER_RETURN_IF_ERROR(r.ScanRecords(f.job, run, [&](const v1::Record& rec) {
      for (const auto& field : rec.fields()) {
        if (index.emplace(field.name(), columns.size()).second) columns.push_back(field.name());
      }
      return true;
    }));
    std::string line;
    for (size_t i = 0; i < columns.size(); ++i) line += (i ? "," : "") + CsvField(columns[i]);
    std::cout << line << "\r\n";
    return r.ScanRecords(f.job, run, [&](const v1::Record& rec) {
      std::vector<std::string> cells(columns.size());
      cells[0] = rec.source_url();
      cells[1] = shards::FormatTimestampMicros(rec.fetch_time_micros());
      for (const auto& field : rec.fields())
        cells[index[field.name()]] = ValueToText(field.value());
      std::string row;
      for (size_t i = 0; i < cells.size(); ++i) row += (i ? "," : "") + CsvField(cells[i]);
      std::cout << row << "\r\n";
      return true;
    });
  });
}

Status Delete(const StageFlags& f) {
  const std::string dir = ResolveDataDir(f.data);
  std::unique_ptr<storage::StagingStore> store;
  storage::StagingStore::Options options;
  options.create_if_missing = false;
  Status opened = storage::StagingStore::OpenPrimary(dir, options, &store);
  if (opened.code() == Status::Code::kUnavailable) {
    return opened.Annotate("job " + f.job + " cannot be deleted while another process writes " +
                           dir);
  }
  GLEANER_RETURN_IF_ERROR(opened);
  storage::StoreReader reader(store.get());
  v1::JobState j;
  GLEANER_RETURN_IF_ERROR(RequireJob(reader, f.job, &j));
  auto counted = [](uint64_t n, const char* noun) {
    return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
  };
  const std::string what = counted(j.record_count(), "record") + ", " +
                           counted(j.page_count(), "page") + " and " +
                           counted(j.error_count(), "error");
  if (!f.yes) {
    return Status::InvalidArgument("stage delete removes job " + f.job + " (" + what +
                                   ") from " + dir + " for good; add --yes to do it");
  }
  GLEANER_RETURN_IF_ERROR(store->DeleteJob(f.job));
  if (f.json) {
    std::cout << DumpJson({{"job", f.job},
                           {"deleted", true},
                           {"records", j.record_count()},
                           {"pages", j.page_count()},
                           {"errors", j.error_count()}})
              << '\n';
  } else {
    std::cout << "deleted job " << f.job << ": " << what << '\n';
  }
  return Status::OK();
}

}  // namespace

void RegisterStage(CLI::App& app, CommandResult* result) {
  auto flags = std::make_shared<StageFlags>();
  CLI::App* stage = app.add_subcommand(
      "stage", "Inspect the staging store (safe while a crawl writes), or delete a job from it");
  stage->require_subcommand(1);

  auto verb = [&](const char* name, const char* help, Status (*run)(const StageFlags&)) {
    CLI::App* cmd = stage->add_subcommand(name, help);
    AddDataFlag(cmd, &flags->data);
    cmd->add_flag("--json", flags->json, "Print one JSON document instead of a table");
    cmd->callback([flags, run, result] { result->exit_code = Report(run(*flags)); });
    return cmd;
  };

  verb("jobs", "List jobs with record, page and error counts", Jobs);
  verb("count", "Print a job's record count", Count)
      ->add_option("job", flags->job, "Job name")
      ->required();
  CLI::App* scan = verb("scan", "List a job's records in insertion order", Scan);
  scan->add_option("job", flags->job, "Job name")->required();
  scan->add_option("--prefix", flags->prefix,
                   "Only records whose source URL starts with this (URL order)");
  scan->add_option("--limit", flags->limit, "Stop after N records")->check(CLI::NonNegativeNumber);
  // The URL index names the latest records only, so a prefix scan has no run.
  scan->add_option("--run", flags->run,
                   "The records as of run N (default: the latest succeeded run)")
      ->check(CLI::PositiveNumber)
      ->excludes(scan->get_option("--prefix"));
  verb("runs", "List a job's runs with their page and record counts", Runs)
      ->add_option("job", flags->job, "Job name")
      ->required();
  CLI::App* get = verb("get", "Show the stored page and records of one URL", Get);
  get->add_option("job", flags->job, "Job name")->required();
  get->add_option("url", flags->url, "Exact source URL")->required();
  CLI::App* errors = verb("errors", "List a job's permanent fetch failures", Errors);
  errors->add_option("job", flags->job, "Job name")->required();
  errors->add_option("--limit", flags->limit, "Stop after N errors")->check(CLI::NonNegativeNumber);
  verb("stats", "Keys and bytes per column family", Stats);
  CLI::App* dump = verb("dump", "Write all of a job's records to stdout", Dump);
  dump->add_option("job", flags->job, "Job name")->required();
  // --json is one array; a format is something else, so asking for both is an error.
  dump->add_option("--format", flags->format, "jsonl (one object a line, the default) or csv")
      ->check(CLI::IsMember({"jsonl", "csv"}))
      ->excludes(dump->get_option("--json"));
  dump->add_option("--run", flags->run,
                   "The records as of run N (default: the latest succeeded run)")
      ->check(CLI::PositiveNumber);
  CLI::App* del = verb("delete", "Remove a job's staged data: records, pages, errors, frontier",
                       Delete);
  del->add_option("job", flags->job, "Job name")->required();
  del->add_flag("--yes", flags->yes, "Really delete (without it, say what would go)");
}

}  // namespace gleaner::tools
