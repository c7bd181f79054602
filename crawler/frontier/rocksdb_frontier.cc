#include "crawler/frontier/rocksdb_frontier.h"

#include <rocksdb/db.h>

#include <algorithm>

#include "common/coding.h"
#include "crawler/url/url_normalizer.h"
#include "storage/keys.h"
#include "storage/rocks_status.h"

namespace gleaner::crawler {

using storage::Family;

RocksDbFrontier::RocksDbFrontier(storage::JobWriter* writer, const Options& options)
    : writer_(writer), options_(options) {
  // A power of two, so a slot is the fingerprint's low bits.
  size_t slots = 1;
  while (slots < options.seen_cache_slots) slots <<= 1;
  seen_cache_.assign(slots, 0);
}

Status RocksDbFrontier::Open(storage::JobWriter* writer, const Options& options,
                             std::unique_ptr<RocksDbFrontier>* out) {
  std::unique_ptr<RocksDbFrontier> f(new RocksDbFrontier(writer, options));
  GLEANER_RETURN_IF_ERROR(f->Load());
  *out = std::move(f);
  return Status::OK();
}

std::string RocksDbFrontier::Key(char tag, std::string_view rest) const {
  std::string k = storage::JobPrefix(writer_->job());
  k.push_back(tag);
  k.append(rest);
  return k;
}

Status RocksDbFrontier::Load() {
  std::string value;
  Status s = writer_->store()->Get(Family::kFrontier, Key('m', ""), &value);
  if (s.ok()) {
    if (!meta_.ParseFromString(value)) return Status::Corruption("unreadable frontier meta");
  } else if (!s.IsNotFound()) {
    return s;
  }
  // Hosts with queued work: one key per host, so this is bounded by hosts.
  rocksdb::ReadOptions ro;
  std::string prefix = Key('h', "");
  std::unique_ptr<rocksdb::Iterator> it(
      writer_->store()->db()->NewIterator(ro, writer_->store()->handle(Family::kFrontier)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->value().size() != 8) return Status::Corruption("unreadable frontier host entry");
    Host h;
    h.queued = DecodeFixed64BE(it->value().data());
    h.delay_micros = options_.delay_micros;
    hosts_.emplace(it->key().ToString().substr(prefix.size()), h);
  }
  return storage::FromRocks(it->status(),
                            "reading the frontier in store " + writer_->store()->dir());
}

void RocksDbFrontier::StageHost(const std::string& host_key, const Host& host) {
  if (host.queued == 0) {
    writer_->batch()->Delete(Family::kFrontier, Key('h', host_key));
  } else {
    std::string v;
    PutFixed64BE(&v, host.queued);
    writer_->batch()->Put(Family::kFrontier, Key('h', host_key), v);
  }
}

void RocksDbFrontier::StageMeta() {
  writer_->batch()->Put(Family::kFrontier, Key('m', ""), meta_.SerializeAsString());
}

void RocksDbFrontier::MarkSeeded() {
  meta_.set_seeded(true);
  meta_dirty_ = true;
}

Status RocksDbFrontier::InsertSeen(const std::string& url, bool* inserted) {
  *inserted = false;
  uint64_t fp = UrlFingerprint(url);
  if ((fp != 0 && SeenCacheSlot(fp) == fp) || pending_seen_.count(fp)) return Status::OK();
  if (!seen_forgotten_) {
    std::string ignored;
    Status s = writer_->store()->Get(Family::kFrontier, SeenKey(fp), &ignored);
    if (s.ok()) {
      SeenCacheSlot(fp) = fp;
      return Status::OK();
    }
    if (!s.IsNotFound()) return s;
  }
  pending_seen_.insert(fp);
  StageSeen(fp);
  *inserted = true;
  return Status::OK();
}

std::string RocksDbFrontier::SeenKey(uint64_t fingerprint) const {
  std::string fp_be;
  PutFixed64BE(&fp_be, fingerprint);
  return Key('s', fp_be);
}

void RocksDbFrontier::StageSeen(uint64_t fingerprint) {
  writer_->batch()->Put(Family::kFrontier, SeenKey(fingerprint), "");
  meta_.set_seen(meta_.seen() + 1);
  meta_dirty_ = true;
}

Status RocksDbFrontier::MarkSeen(const std::string& url, bool* was_seen) {
  bool inserted = false;
  GLEANER_RETURN_IF_ERROR(InsertSeen(url, &inserted));
  *was_seen = !inserted;
  if (inserted) meta_dirty_ = true;
  return Status::OK();
}

Status RocksDbFrontier::Push(const std::vector<v1::FrontierItem>& items, size_t* added) {
  *added = 0;
  for (const auto& item : items) {
    bool inserted = false;
    GLEANER_RETURN_IF_ERROR(InsertSeen(item.url(), &inserted));
    if (!inserted) continue;
    Enqueue(item);
    ++*added;
  }
  return Status::OK();
}

void RocksDbFrontier::Requeue(const std::vector<v1::FrontierItem>& items) {
  std::unordered_set<std::string> queued;
  for (const auto& item : items) {
    if (queued.insert(item.url()).second) Enqueue(item);
  }
}

Status RocksDbFrontier::MarkSeen(const std::vector<std::string>& urls) {
  for (const std::string& url : urls) {
    bool was_seen = false;
    GLEANER_RETURN_IF_ERROR(MarkSeen(url, &was_seen));
  }
  return Status::OK();
}

Status RocksDbFrontier::ForgetSeen() {
  writer_->batch()->DeleteRange(Family::kFrontier, Key('s', ""), Key('t', ""));
  std::fill(seen_cache_.begin(), seen_cache_.end(), 0);
  pending_seen_.clear();
  meta_.set_seen(0);
  meta_dirty_ = true;
  seen_forgotten_ = true;
  return Status::OK();
}

Status RocksDbFrontier::StartRevisit(const std::vector<v1::FrontierItem>& due,
                                     const std::vector<std::string>& carried_over, size_t* queued) {
  // What ForgetSeen, MarkSeen and Push would leave, staged in another way:
  // the queue keys by host and depth (Enqueue numbers them in turn), so that
  // RocksDB's memtable inserts them in ascending order, with few comparisons;
  // and of the seen set only the difference between the stored set and the
  // revisit's URLs, which are mostly the same: a seen key inserted anew
  // lands beside its older version, never next to the key inserted before
  // it, and each cost a full skip-list search (callgrind, 1,072 URLs: half of
  // the run start's instructions). Claims take the items in the same order
  // either way: by depth, then as given.
  const std::unordered_set<uint64_t> staged_before = std::move(pending_seen_);
  pending_seen_.clear();
  std::fill(seen_cache_.begin(), seen_cache_.end(), 0);
  seen_forgotten_ = true;  // until the commit, only pending_seen_ is seen
  std::vector<uint64_t> seen;
  seen.reserve(due.size() + carried_over.size());
  std::vector<const v1::FrontierItem*> order;
  order.reserve(due.size());
  for (const std::string& url : carried_over) {
    const uint64_t fp = UrlFingerprint(url);
    if (pending_seen_.insert(fp).second) seen.push_back(fp);
  }
  for (const v1::FrontierItem& item : due) {
    const uint64_t fp = UrlFingerprint(item.url());
    if (!pending_seen_.insert(fp).second) continue;  // seen: carried over, or queued already
    seen.push_back(fp);
    order.push_back(&item);
  }
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    if (a->host_key() != b->host_key()) return a->host_key() < b->host_key();
    return a->depth() < b->depth();
  });
  for (const v1::FrontierItem* item : order) Enqueue(*item);
  std::sort(seen.begin(), seen.end());
  // Seen keys staged in this batch but not committed are not in the store.
  for (uint64_t fp : staged_before) {
    if (!std::binary_search(seen.begin(), seen.end(), fp)) {
      writer_->batch()->Delete(Family::kFrontier, SeenKey(fp));
    }
  }
  // The stored set and `seen`, both ascending, merged: what only the store
  // holds is deleted, what only the revisit has is added.
  const std::string begin = Key('s', ""), end = Key('t', "");
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(
      writer_->store()->db()->NewIterator(ro, writer_->store()->handle(Family::kFrontier)));
  auto next = seen.begin();
  for (it->Seek(begin); it->Valid(); it->Next()) {
    if (it->key().size() != begin.size() + 8) return Status::Corruption("unreadable seen key");
    const uint64_t stored = DecodeFixed64BE(it->key().data() + begin.size());
    for (; next != seen.end() && *next < stored; ++next) {
      writer_->batch()->Put(Family::kFrontier, SeenKey(*next), "");
    }
    if (next != seen.end() && *next == stored) {
      ++next;
    } else {
      writer_->batch()->Delete(Family::kFrontier, it->key().ToStringView());
    }
  }
  GLEANER_RETURN_IF_ERROR(
      storage::FromRocks(it->status(), "reading the frontier in store " + writer_->store()->dir()));
  for (; next != seen.end(); ++next) writer_->batch()->Put(Family::kFrontier, SeenKey(*next), "");
  meta_.set_seen(seen.size());
  meta_dirty_ = true;
  *queued = order.size();
  return Status::OK();
}

void RocksDbFrontier::Enqueue(const v1::FrontierItem& item) {
  std::string rest = item.host_key();
  rest.push_back('\0');
  PutFixed32BE(&rest, item.depth());
  PutFixed64BE(&rest, meta_.next_seq());
  meta_.set_next_seq(meta_.next_seq() + 1);
  std::string queue_key = Key('q', rest);
  writer_->batch()->Put(Family::kFrontier, queue_key, item.SerializeAsString());

  auto [it, fresh] = hosts_.try_emplace(item.host_key());
  if (fresh) it->second.delay_micros = options_.delay_micros;
  if (queue_key < it->second.scan_from) it->second.scan_from = queue_key;
  if (it->second.uncommitted_from.empty() || queue_key < it->second.uncommitted_from) {
    it->second.uncommitted_from = queue_key;
  }
  ++it->second.queued;
  dirty_hosts_.insert(it->first);
  meta_.set_queued(meta_.queued() + 1);
  ++uncommitted_items_;
  meta_dirty_ = true;
}

Status RocksDbFrontier::Claim(size_t max, int64_t now_micros, std::vector<Lease>* out,
                              int64_t* next_ready_micros) {
  *next_ready_micros = 0;
  if (hosts_.empty()) return Status::OK();
  // Visit hosts round-robin starting after the one served last.
  auto start = hosts_.upper_bound(round_robin_after_);
  size_t visited = 0;
  for (auto it = start; visited < hosts_.size() && out->size() < max; ++visited) {
    if (it == hosts_.end()) it = hosts_.begin();
    const std::string& host_key = it->first;
    Host& host = it->second;
    auto next = std::next(it);
    uint64_t unleased = host.queued - std::min<uint64_t>(host.queued, host.in_flight);
    if (unleased == 0 || host.in_flight >= options_.per_host) {
      it = next;
      continue;
    }
    if (host.next_start_micros > now_micros) {
      if (*next_ready_micros == 0 || host.next_start_micros < *next_ready_micros) {
        *next_ready_micros = host.next_start_micros;
      }
      it = next;
      continue;
    }
    auto gate_open = [&] {
      return out->size() < max && host.in_flight < options_.per_host &&
             host.next_start_micros <= now_micros;
    };
    std::string prefix = Key('q', host_key);
    prefix.push_back('\0');
    // Released entries first: they wait in memory for their not-before time.
    for (auto d = delayed_.lower_bound(prefix);
         d != delayed_.end() && d->first.compare(0, prefix.size(), prefix) == 0 && gate_open();) {
      if (d->second > now_micros) {
        if (*next_ready_micros == 0 || d->second < *next_ready_micros)
          *next_ready_micros = d->second;
        ++d;
        continue;
      }
      std::string key = d->first;
      d = delayed_.erase(d);
      std::string value;
      GLEANER_RETURN_IF_ERROR(writer_->store()->Get(Family::kFrontier, key, &value));
      GLEANER_RETURN_IF_ERROR(LeaseKey(key, value, host, now_micros, out));
    }
    // Then queue entries in order from the host's cursor, skipping those
    // leased, completing or delayed, while the gate stays open.
    while (gate_open()) {
      if (host.ahead.empty()) {
        GLEANER_RETURN_IF_ERROR(ReadAhead(prefix, host, max - out->size()));
        if (host.ahead.empty()) break;
      }
      std::string key = std::move(host.ahead.front().first);
      std::string value = std::move(host.ahead.front().second);
      host.ahead.pop_front();
      --read_ahead_;
      if (leased_.count(key) || completed_.count(key) || delayed_.count(key)) continue;
      if (host.uncommitted_from.empty() || key < host.uncommitted_from) {
        host.scan_from = key + '\0';  // the smallest key after this one
      }
      GLEANER_RETURN_IF_ERROR(LeaseKey(key, value, host, now_micros, out));
      round_robin_after_ = host_key;
    }
    if (host.next_start_micros > now_micros && host.in_flight < options_.per_host &&
        (*next_ready_micros == 0 || host.next_start_micros < *next_ready_micros)) {
      *next_ready_micros = host.next_start_micros;
    }
    it = next;
  }
  return Status::OK();
}

Status RocksDbFrontier::ReadAhead(const std::string& prefix, Host& host, size_t wanted) {
  const size_t budget = kReadAheadBudget > read_ahead_ ? kReadAheadBudget - read_ahead_ : 0;
  const size_t n = std::max(wanted, std::min(kReadAhead, budget));
  std::unique_ptr<rocksdb::Iterator> q(writer_->store()->db()->NewIterator(
      rocksdb::ReadOptions(), writer_->store()->handle(Family::kFrontier)));
  size_t read = 0;
  std::string last_key;
  for (q->Seek(std::max({prefix, host.scan_from, host.read_from}));
       q->Valid() && q->key().starts_with(prefix) && read < n; q->Next()) {
    last_key = q->key().ToString();
    // An entry out on lease, completing or delayed stays out of what is read:
    // once its completion commits, a copy read now would be leased again.
    if (leased_.count(last_key) || completed_.count(last_key) || delayed_.count(last_key)) continue;
    host.ahead.emplace_back(last_key, q->value().ToString());
    ++read;
  }
  read_ahead_ += read;
  if (!last_key.empty()) host.read_from = last_key + '\0';
  return storage::FromRocks(q->status(),
                            "reading the frontier in store " + writer_->store()->dir());
}

void RocksDbFrontier::ResetReadAhead(Host& host) {
  read_ahead_ -= host.ahead.size();
  host.ahead.clear();
  host.read_from.clear();
}

Status RocksDbFrontier::LeaseKey(const std::string& key, std::string_view value, Host& host,
                                 int64_t now_micros, std::vector<Lease>* out) {
  Lease lease;
  lease.key = key;
  if (!lease.item.ParseFromArray(value.data(), static_cast<int>(value.size())))
    return Status::Corruption("unreadable frontier item");
  leased_.insert(key);
  out->push_back(std::move(lease));
  ++host.in_flight;
  ++in_flight_;
  host.next_start_micros = now_micros + host.delay_micros;
  return Status::OK();
}

Status RocksDbFrontier::Complete(const Lease& lease) {
  if (leased_.erase(lease.key) == 0)
    return Status::FailedPrecondition("completing an unleased item");
  completed_.insert(lease.key);
  writer_->batch()->Delete(Family::kFrontier, lease.key);
  auto it = hosts_.find(lease.item.host_key());
  if (it != hosts_.end()) {
    --it->second.in_flight;
    if (it->second.queued > 0) --it->second.queued;
    dirty_hosts_.insert(it->first);
  }
  --in_flight_;
  if (meta_.queued() > 0) meta_.set_queued(meta_.queued() - 1);
  meta_dirty_ = true;
  return Status::OK();
}

Status RocksDbFrontier::Release(const Lease& lease, int64_t not_before_micros) {
  if (leased_.erase(lease.key) == 0)
    return Status::FailedPrecondition("releasing an unleased item");
  // The updated item (attempts) survives a crash; the delay need not.
  writer_->batch()->Put(Family::kFrontier, lease.key, lease.item.SerializeAsString());
  delayed_[lease.key] = not_before_micros;
  auto it = hosts_.find(lease.item.host_key());
  if (it != hosts_.end()) --it->second.in_flight;
  --in_flight_;
  return Status::OK();
}

void RocksDbFrontier::SetHostDelay(const std::string& host_key, int64_t delay_micros) {
  auto [it, fresh] = hosts_.try_emplace(host_key);
  it->second.delay_micros = delay_micros;
}

void RocksDbFrontier::PauseHost(const std::string& host_key, int64_t until_micros) {
  auto [it, fresh] = hosts_.try_emplace(host_key);
  if (fresh) it->second.delay_micros = options_.delay_micros;
  it->second.next_start_micros = std::max(it->second.next_start_micros, until_micros);
}

Status RocksDbFrontier::Commit() {
  // Counters are staged once per commit, not once per change: a group of
  // pages rewrites its host's count once instead of once per link.
  for (const auto& host_key : dirty_hosts_) StageHost(host_key, hosts_.at(host_key));
  if (meta_dirty_) StageMeta();
  GLEANER_RETURN_IF_ERROR(writer_->Commit());
  // Enqueue marked every host it pushed to dirty. An entry now committed
  // below what a host read ahead was not there to be read: read again.
  for (const auto& host_key : dirty_hosts_) {
    Host& host = hosts_.at(host_key);
    if (!host.uncommitted_from.empty() && host.uncommitted_from < host.read_from) {
      ResetReadAhead(host);
    }
    host.uncommitted_from.clear();
  }
  dirty_hosts_.clear();
  meta_dirty_ = false;
  completed_.clear();
  for (uint64_t fp : pending_seen_) SeenCacheSlot(fp) = fp;
  pending_seen_.clear();
  seen_forgotten_ = false;
  uncommitted_items_ = 0;
  return Status::OK();
}

FrontierStats RocksDbFrontier::Stats() const {
  FrontierStats s;
  s.queued = meta_.queued();
  s.in_flight = in_flight_;
  s.seen = meta_.seen();
  s.hosts = hosts_.size();
  return s;
}

}  // namespace gleaner::crawler
