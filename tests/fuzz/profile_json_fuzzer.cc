// profile.json reading (ingest/profile/dataset_profile.h). Input: a
// profile.json text. Properties: it is accepted or refused with
// InvalidArgument naming the file, never a crash, a hang or unbounded memory;
// an accepted profile writes back as a file that reads back the same, and
// its summary can be computed.
#include "ingest/profile/dataset_profile.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using gleaner::profile::DatasetProfile;
  DatasetProfile profile;
  const gleaner::Status s =
      DatasetProfile::Parse(gleaner::fuzz::AsText(data, size), "fuzz.json", &profile);
  if (!s.ok()) {
    FUZZ_CHECK(s.IsInvalidArgument() && s.message().rfind("fuzz.json", 0) == 0, "%s",
               s.ToString().c_str());
    return 0;
  }
  const std::string written = profile.ToJson().dump();
  DatasetProfile back;
  const gleaner::Status again = DatasetProfile::Parse(written, "again.json", &back);
  FUZZ_CHECK(again.ok(), "%s", again.ToString().c_str());
  FUZZ_CHECK(back.ToJson().dump() == written, "the profile read back differs");
  (void)profile.SummaryJson();
  return 0;
}
