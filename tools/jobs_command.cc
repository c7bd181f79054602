// `gleaner jobs submit|list|status|runs|cancel|pause|resume|schedule|schedules|
// unschedule|workers`: clients of a running `gleaner serve` (`jobs check`,
// which needs no server, is jobs_check_command.cc). Server errors come back as
// their gRPC code and message (a bad job file names FILE:LINE:COL) with the
// CLI's exit codes.
#include <grpcpp/grpcpp.h>

#include <iostream>

#include "common/yaml_reader.h"
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

nlohmann::ordered_json InfoToJson(const v1::JobInfo& info) {
  nlohmann::ordered_json j = JobToJson(info.state());
  j["queue_position"] = info.queue_position();
  j["message"] = info.state().message();
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
}

// Runs one call with the resolved server, token and deadline.
template <typename Call>
Status WithStub(const JobsFlags& f, Call call) {
  service::ClientConfig config;
  GLEANER_RETURN_IF_ERROR(service::ResolveClientConfig(f.client, &config));
  config.timeout_s = f.timeout_s;
  auto stub = v1::JobService::NewStub(service::OpenConnectedChannel(config));
  grpc::ClientContext context;
  service::PrepareCall(config, &context);
  return service::FromGrpc(call(*stub, &context)).Annotate("server " + config.server);
}

// The job file as the server receives it; errors will name the file.
Status ReadJobSource(const std::string& path, v1::JobSource* source) {
  GLEANER_RETURN_IF_ERROR(yaml::ReadYamlFile(path, source->mutable_yaml()));
  source->set_display_name(path);
  return Status::OK();
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
