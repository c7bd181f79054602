// Where a test finds the `gleaner` binary and the source tree. Every test
// executable is compiled with this header forced in (-include, CMakeLists.txt)
// and linked with the build's generated test_paths.cc, so the absolute paths
// of one checkout live in one object file: the test objects themselves stay
// the same in every clone, and ccache reuses them there.
#pragma once

namespace gleaner::testing {

const char* GleanerBinaryPath();  // the built `gleaner` executable
const char* GleanerSourceDir();   // the root of the source tree

}  // namespace gleaner::testing

#define GLEANER_BINARY (::gleaner::testing::GleanerBinaryPath())
#define GLEANER_SOURCE_DIR (::gleaner::testing::GleanerSourceDir())
