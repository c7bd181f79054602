// `gleaner jobs submit|list|status|runs|cancel|pause|resume|schedule|schedules|
// unschedule|workers|drift|profile`: clients of a running `gleaner serve` (`jobs check`,
// which needs no server, is jobs_check_command.cc). Server errors come back as
// their gRPC code and message (a bad job file names FILE:LINE:COL) with the
// CLI's exit codes.
#include <grpcpp/grpcpp.h>

#include <functional>
#include <iostream>
#include <map>
#include <sstream>

#include "common/yaml_reader.h"
#include "crawler/job/job_parser.h"
#include "schema/gleaner_service.grpc.pb.h"
#include "service/client/grpc_status.h"
#include "service/client/service_client.h"
#include "storage/job_phase.h"
#include "tools/commands.h"
#include "tools/output_format.h"

namespace gleaner::tools {

namespace {

struct JobsFlags {
  service::ClientFlags client;
  int timeout_s = 60;
  bool json = false;
  std::string arg;  // the job file or job name
  std::string cron;
};

// The dataset the server prepared after the job's last successful run.
nlohmann::ordered_json PrepareToJson(const v1::PrepareOutcome& p) {
  nlohmann::ordered_json j = {{"run", p.run()},
                              {"dataset", p.dataset()},
                              {"version", p.version()},
                              {"finished", shards::FormatTimestampMicros(p.finished_micros())},
                              {"published", p.published()}};
  if (!p.error().empty()) j["error"] = p.error();
  if (p.summary().empty()) return j;
  nlohmann::ordered_json monitor = {{"summary", p.summary()}, {"compared", p.compared()}};
  if (p.compared()) {
    const v1::DriftSummary& d = p.drift();
    monitor["verdict"] = d.verdict();
    monitor["baseline_version"] = d.baseline_version();
    monitor["drift_fields"] =
        std::vector<std::string>(d.drift_fields().begin(), d.drift_fields().end());
    monitor["possible_fields"] =
        std::vector<std::string>(d.possible_fields().begin(), d.possible_fields().end());
    monitor["refused"] = d.refused();
  }
  j["monitor"] = std::move(monitor);
  return j;
}

// "demo 3f2a9c1b0d4e (run 2): drift against 91a…: drift in 1 field (price); refused (on_drift:
// fail), the published version stays"
std::string PrepareLine(const v1::PrepareOutcome& p) {
  std::string line = p.dataset();
  if (!p.version().empty()) line += " " + p.version().substr(0, 12);
  line += " (run " + std::to_string(p.run()) + "): ";
  if (!p.error().empty()) return line + "not prepared: " + p.error();
  if (!p.summary().empty()) line += p.summary() + "; ";
  return line +
         (p.published() ? "published" : "refused (on_drift: fail), the published version stays");
}

nlohmann::ordered_json InfoToJson(const v1::JobInfo& info) {
  nlohmann::ordered_json j = JobToJson(info.state());
  j["queue_position"] = info.queue_position();
  j["message"] = info.state().message();
  j["prepare"] =
      info.state().has_prepare() ? PrepareToJson(info.state().prepare()) : nlohmann::ordered_json();
  return j;
}

void PrintInfo(const v1::JobInfo& info, bool json) {
  if (json) {
    std::cout << DumpJson(InfoToJson(info), 2) << '\n';
    return;
  }
  const v1::JobState& s = info.state();
  std::cout << "job:      " << s.name() << '\n' << "phase:    " << storage::JobPhaseWord(s.phase());
  if (info.queue_position() > 0) std::cout << " (queue position " << info.queue_position() << ")";
  std::cout << '\n'
            << "records:  " << s.record_count() << '\n'
            << "pages:    " << s.page_count() << " stored, " << s.stats().pages_fetched()
            << " fetched (" << s.stats().bytes_fetched() << " bytes)\n"
            << "errors:   " << s.error_count() << '\n';
  if (s.run().number() != 0) std::cout << "run:      " << RunSummary(s.run()) << '\n';
  if (!s.message().empty()) std::cout << "message:  " << s.message() << '\n';
  if (s.has_prepare()) std::cout << "dataset:  " << PrepareLine(s.prepare()) << '\n';
}

// Runs one call of `Service` with the resolved server, token and deadline.
template <typename Service = v1::JobService, typename Call>
Status WithStub(const JobsFlags& f, Call call) {
  service::ClientConfig config;
  GLEANER_RETURN_IF_ERROR(service::ResolveClientConfig(f.client, &config));
  config.timeout_s = f.timeout_s;
  auto stub = Service::NewStub(service::OpenConnectedChannel(config));
  grpc::ClientContext context;
  service::PrepareCall(config, &context);
  return service::FromGrpc(call(*stub, &context)).Annotate("server " + config.server);
}

// The job file as the server receives it; errors will name the file. A job
// with a `prepare:` block travels with its rules' text: the server never
// reads a client's paths.
Status ReadJobSource(const std::string& path, v1::JobSource* source) {
  GLEANER_RETURN_IF_ERROR(yaml::ReadYamlFile(path, source->mutable_yaml()));
  source->set_display_name(path);
  crawler::JobConfig job;
  // A job that does not parse goes as it is: the server's error names its
  // line and column, as for any client.
  if (!crawler::ParseJobYaml(source->yaml(), path, &job).ok() || job.prepare_rules.empty()) {
    return Status::OK();
  }
  return yaml::ReadYamlFile(job.prepare_rules, source->mutable_prepare_rules_yaml())
      .Annotate(path + ": prepare.rules");
}

nlohmann::ordered_json ScheduleToJson(const v1::Schedule& s) {
  nlohmann::ordered_json j = {{"job", s.name()},
                              {"cron", s.cron()},
                              {"next_run", shards::FormatTimestampMicros(s.next_run_micros())},
                              {"last_run", nullptr}};
  if (s.last_run_micros() != 0) j["last_run"] = shards::FormatTimestampMicros(s.last_run_micros());
  return j;
}

Status Schedule(const JobsFlags& f) {
  v1::ScheduleJobRequest request;
  GLEANER_RETURN_IF_ERROR(ReadJobSource(f.arg, request.mutable_job()));
  request.set_cron(f.cron);
  v1::ScheduleJobResponse response;
  GLEANER_RETURN_IF_ERROR(WithStub(f, [&](v1::JobService::Stub& stub, grpc::ClientContext* c) {
    return stub.ScheduleJob(c, request, &response);
  }));
  const v1::Schedule& s = response.schedule();
  if (f.json) {
    std::cout << DumpJson(ScheduleToJson(s), 2) << '\n';
  } else {
    std::cout << "scheduled job '" << s.name() << "' (" << s.cron() << " UTC); next run "
              << shards::FormatTimestampMicros(s.next_run_micros()) << '\n';
  }
  return Status::OK();
}

Status Schedules(const JobsFlags& f) {
  v1::ListSchedulesResponse response;
  GLEANER_RETURN_IF_ERROR(WithStub(f, [&](v1::JobService::Stub& stub, grpc::ClientContext* c) {
    return stub.ListSchedules(c, v1::ListSchedulesRequest(), &response);
  }));
  if (f.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& s : response.schedules()) out.push_back(ScheduleToJson(s));
    std::cout << DumpJson(out, 2) << '\n';
    return Status::OK();
  }
  if (response.schedules().empty()) {
    std::cout << "no schedules\n";
    return Status::OK();
  }
  TablePrinter t({"JOB", "CRON", "NEXT RUN", "LAST RUN"});
  for (const auto& s : response.schedules()) {
    t.AddRow({s.name(), s.cron(), shards::FormatTimestampMicros(s.next_run_micros()),
              s.last_run_micros() ? shards::FormatTimestampMicros(s.last_run_micros()) : "-"});
  }
  t.Print(std::cout);
  return Status::OK();
}

Status Unschedule(const JobsFlags& f) {
  v1::RemoveScheduleRequest request;
  request.set_name(f.arg);
  v1::RemoveScheduleResponse response;
  GLEANER_RETURN_IF_ERROR(WithStub(f, [&](v1::JobService::Stub& stub, grpc::ClientContext* c) {
    return stub.RemoveSchedule(c, request, &response);
  }));
  if (f.json) {
    std::cout << DumpJson({{"job", f.arg}, {"schedule", nullptr}}, 2) << '\n';
  } else {
    std::cout << "removed the schedule of job '" << f.arg << "'\n";
  }
  return Status::OK();
}

Status Submit(const JobsFlags& f) {
  v1::SubmitJobRequest request;
  GLEANER_RETURN_IF_ERROR(ReadJobSource(f.arg, request.mutable_job()));
  v1::SubmitJobResponse response;
  GLEANER_RETURN_IF_ERROR(WithStub(f, [&](v1::JobService::Stub& stub, grpc::ClientContext* c) {
    return stub.SubmitJob(c, request, &response);
  }));
  if (f.json) {
    nlohmann::ordered_json j = {{"job", response.name()},
                                {"phase", storage::JobPhaseWord(response.phase())},
                                {"queue_position", response.queue_position()}};
    std::cout << DumpJson(j, 2) << '\n';
  } else {
    std::cout << "submitted job '" << response.name() << "' (queue position "
              << response.queue_position() << ")\n";
  }
  return Status::OK();
}

Status List(const JobsFlags& f) {
  v1::ListJobsResponse response;
  GLEANER_RETURN_IF_ERROR(WithStub(f, [&](v1::JobService::Stub& stub, grpc::ClientContext* c) {
    return stub.ListJobs(c, v1::ListJobsRequest(), &response);
  }));
  if (f.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& info : response.jobs()) out.push_back(InfoToJson(info));
    std::cout << DumpJson(out, 2) << '\n';
    return Status::OK();
  }
  if (response.jobs().empty()) {
    std::cout << "no jobs\n";
    return Status::OK();
  }
  TablePrinter t({"JOB", "PHASE", "QUEUE", "RECORDS", "PAGES", "ERRORS", "UPDATED"});
  for (const auto& info : response.jobs()) {
    const v1::JobState& s = info.state();
    t.AddRow({s.name(), storage::JobPhaseWord(s.phase()),
              info.queue_position() ? std::to_string(info.queue_position()) : "-",
              std::to_string(s.record_count()), std::to_string(s.page_count()),
              std::to_string(s.error_count()), shards::FormatTimestampMicros(s.updated_micros())});
  }
  t.Print(std::cout);
  return Status::OK();
}

// The crawl workers of a `gleaner serve --redis`, from IngestService.Stats.
Status Workers(const JobsFlags& f) {
  service::ClientConfig config;
  GLEANER_RETURN_IF_ERROR(service::ResolveClientConfig(f.client, &config));
  config.timeout_s = f.timeout_s;
  auto stub = v1::IngestService::NewStub(service::OpenConnectedChannel(config));
  grpc::ClientContext context;
  service::PrepareCall(config, &context);
  v1::StatsResponse stats;
  GLEANER_RETURN_IF_ERROR(service::FromGrpc(stub->Stats(&context, v1::StatsRequest(), &stats))
                              .Annotate("server " + config.server));
  if (f.json) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& w : stats.workers()) {
      out.push_back({{"worker", w.id()},
                     {"job", w.job()},
                     {"pages", w.pages()},
                     {"records", w.records()},
                     {"errors", w.errors()},
                     {"started", shards::FormatTimestampMicros(w.started_micros())},
                     {"last_seen", shards::FormatTimestampMicros(w.last_seen_micros())}});
    }
    std::cout << DumpJson(out, 2) << '\n';
    return Status::OK();
  }
  if (stats.workers().empty()) {
    std::cout << "no workers\n";
    return Status::OK();
  }
  TablePrinter t({"WORKER", "JOB", "PAGES", "RECORDS", "ERRORS", "LAST SEEN"});
  for (const auto& w : stats.workers()) {
    t.AddRow({w.id(), w.job().empty() ? "-" : w.job(), std::to_string(w.pages()),
              std::to_string(w.records()), std::to_string(w.errors()),
              shards::FormatTimestampMicros(w.last_seen_micros())});
  }
  t.Print(std::cout);
  return Status::OK();
}

// A call on the job named by f.arg.
template <typename Response>
using OnJobCall = grpc::Status (v1::JobService::Stub::*)(grpc::ClientContext*,
                                                         const v1::JobRequest&, Response*);
template <typename Response>
Status CallOnJob(const JobsFlags& f, OnJobCall<Response> method, Response* response) {
  v1::JobRequest request;
  request.set_name(f.arg);
  return WithStub(f, [&](v1::JobService::Stub& stub, grpc::ClientContext* c) {
    return (stub.*method)(c, request, response);
  });
}

using JobCall = OnJobCall<v1::JobInfo>;

Status OnJob(const JobsFlags& f, JobCall method) {
  v1::JobInfo info;
  GLEANER_RETURN_IF_ERROR(CallOnJob(f, method, &info));
  PrintInfo(info, f.json);
  return Status::OK();
}

// A job's runs, as `gleaner stage runs` prints them from the store.
Status Runs(const JobsFlags& f) {
  v1::ListRunsResponse response;
  GLEANER_RETURN_IF_ERROR(CallOnJob(f, &v1::JobService::Stub::ListRuns, &response));
  PrintRuns({response.runs().begin(), response.runs().end()}, f.json, std::cout);
  return Status::OK();
}

// The dataset the server prepares for job f.arg, and a DatasetService stub.
Status OnJobDataset(
    const JobsFlags& f,
    const std::function<grpc::Status(v1::DatasetService::Stub&, grpc::ClientContext*,
                                     const std::string&)>& call) {
  v1::JobInfo info;
  GLEANER_RETURN_IF_ERROR(CallOnJob(f, &v1::JobService::Stub::GetJob, &info));
  const std::string& dataset = info.state().prepare().dataset();
  if (dataset.empty()) {
    return Status::FailedPrecondition("job '" + f.arg +
                                      "' has no dataset prepared by the server (a job file "
                                      "with a prepare: block prepares one after each run)");
  }
  return WithStub<v1::DatasetService>(f,
                                      [&](v1::DatasetService::Stub& stub, grpc::ClientContext* c) {
                                        return call(stub, c, dataset);
                                      });
}

// The last drift report of the job's dataset (GetDrift): its summary, or with
// --json the report itself.
Status Drift(const JobsFlags& f) {
  v1::GetDriftResponse response;
  std::string name;
  GLEANER_RETURN_IF_ERROR(OnJobDataset(
      f, [&](v1::DatasetService::Stub& stub, grpc::ClientContext* c, const std::string& dataset) {
        name = dataset;
        v1::DatasetRequest request;
        request.set_dataset(dataset);
        return stub.GetDrift(c, request, &response);
      }));
  if (f.json) {
    std::cout << response.report_json();
    return Status::OK();
  }
  const v1::DriftSummary& s = response.summary();
  std::cout << "dataset " << name << ": " << s.current_version() << " against "
            << s.baseline_version() << ": " << s.verdict()
            << (s.refused() ? " (refused; the published version stays)" : "") << '\n';
  TablePrinter t({"FIELD", "VERDICT", "SCORES"});
  for (const v1::FieldDrift& field : s.fields()) {
    std::map<std::string, double> sorted(field.scores().begin(), field.scores().end());
    std::ostringstream scores;
    for (const auto& [metric, value] : sorted) {
      scores << (scores.tellp() == 0 ? "" : " ") << metric << '=' << value;
    }
    t.AddRow({field.field(), field.verdict(), scores.str()});
  }
  t.Print(std::cout);
  return Status::OK();
}

// The profile.json of the job's published dataset (GetProfile).
Status Profile(const JobsFlags& f) {
  v1::GetProfileResponse response;
  GLEANER_RETURN_IF_ERROR(OnJobDataset(
      f, [&](v1::DatasetService::Stub& stub, grpc::ClientContext* c, const std::string& dataset) {
        v1::DatasetRequest request;
        request.set_dataset(dataset);
        return stub.GetProfile(c, request, &response);
      }));
  std::cout << response.profile_json();
  return Status::OK();
}

CLI::App* AddClientCommand(CLI::App* jobs, const std::string& name, const std::string& help,
                           std::shared_ptr<JobsFlags> flags) {
  CLI::App* cmd = jobs->add_subcommand(name, help);
  AddClientFlags(cmd, &flags->client);
  cmd->add_option("--timeout", flags->timeout_s, "Seconds to wait for the server")
      ->capture_default_str();
  cmd->add_flag("--json", flags->json, "Print JSON");
  return cmd;
}

}  // namespace

void RegisterJobs(CLI::App& app, CommandResult* result) {
  CLI::App* jobs = app.add_subcommand("jobs", "Check job files; submit and watch crawl jobs on a running server");
  jobs->require_subcommand(1);
  AddJobsCheck(jobs, result);
  auto flags = std::make_shared<JobsFlags>();
  auto run = [flags, result](Status (*fn)(const JobsFlags&)) {
    return [flags, result, fn] { result->exit_code = Report(fn(*flags)); };
  };
  auto on_job = [flags, result](JobCall method) {
    return [flags, result, method] { result->exit_code = Report(OnJob(*flags, method)); };
  };

  CLI::App* submit = AddClientCommand(jobs, "submit", "Queue a crawl job (YAML file)", flags);
  submit->add_option("job", flags->arg, "Job file (YAML)")->required();
  submit->callback(run(Submit));

  AddClientCommand(jobs, "list", "List the server's jobs", flags)->callback(run(List));

  CLI::App* schedule =
      AddClientCommand(jobs, "schedule", "Run a job on a cron schedule (UTC)", flags);
  schedule->add_option("job", flags->arg, "Job file (YAML)")->required();
  schedule->add_option("--cron", flags->cron,
                       "5-field cron expression (default: the job's `schedule:`)");
  schedule->callback(run(Schedule));
  AddClientCommand(jobs, "schedules", "List the server's schedules", flags)
      ->callback(run(Schedules));
  AddClientCommand(jobs, "workers",
                   "List the crawl workers of a `serve --redis` that reported in the last 30 s",
                   flags)
      ->callback(run(Workers));
  CLI::App* runs = AddClientCommand(
      jobs, "runs", "List a job's runs with their page and record counts", flags);
  runs->add_option("name", flags->arg, "Job name")->required();
  runs->callback(run(Runs));
  CLI::App* drift = AddClientCommand(
      jobs, "drift", "Show the last drift report of the dataset the server prepares for a job",
      flags);
  drift->add_option("name", flags->arg, "Job name")->required();
  drift->callback(run(Drift));
  CLI::App* profile = AddClientCommand(
      jobs, "profile", "Print the profile.json of the dataset the server prepares for a job",
      flags);
  profile->add_option("name", flags->arg, "Job name")->required();
  profile->callback(run(Profile));
  CLI::App* unschedule = AddClientCommand(jobs, "unschedule", "Remove a job's schedule", flags);
  unschedule->add_option("name", flags->arg, "Job name")->required();
  unschedule->callback(run(Unschedule));

  struct Verb {
    const char* name;
    const char* help;
    JobCall method;
  };
  for (const Verb& v :
       {Verb{"status", "Show a job's phase and counters", &v1::JobService::Stub::GetJob},
        Verb{"cancel", "Stop a running or queued job", &v1::JobService::Stub::CancelJob},
        Verb{"pause", "Stop a job so that `resume` continues it", &v1::JobService::Stub::PauseJob},
        Verb{"resume", "Queue a paused job again", &v1::JobService::Stub::ResumeJob}}) {
    CLI::App* cmd = AddClientCommand(jobs, v.name, v.help, flags);
    cmd->add_option("name", flags->arg, "Job name")->required();
    cmd->callback(on_job(v.method));
  }
}

}  // namespace gleaner::tools
