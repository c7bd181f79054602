#include "ingest/drift/jensen_shannon.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace gleaner::drift {

double JensenShannonDistance(const std::vector<double>& p, const std::vector<double>& q) {
  double sp = std::accumulate(p.begin(), p.end(), 0.0);
  double sq = std::accumulate(q.begin(), q.end(), 0.0);
  double divergence = 0;  // in nats
  for (size_t i = 0; i < p.size(); ++i) {
    double pi = p[i] / sp, qi = q[i] / sq, mi = (pi + qi) / 2;
    if (pi > 0) divergence += pi * std::log(pi / mi);
    if (qi > 0) divergence += qi * std::log(qi / mi);
  }
  return std::sqrt(std::max(divergence / 2, 0.0) / std::log(2.0));
}

double JensenShannonDistance(const std::vector<uint64_t>& p, const std::vector<uint64_t>& q) {
  return JensenShannonDistance(std::vector<double>(p.begin(), p.end()),
                               std::vector<double>(q.begin(), q.end()));
}

}  // namespace gleaner::drift
