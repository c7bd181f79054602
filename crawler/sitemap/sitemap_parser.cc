#include "crawler/sitemap/sitemap_parser.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>

namespace gleaner::crawler {
namespace {

// Open elements deeper than this are not tracked; sitemaps nest four deep.
constexpr size_t kMaxTrackedDepth = 64;

bool IsXmlSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trimmed(std::string_view text) {
  while (!text.empty() && IsXmlSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsXmlSpace(text.back())) text.remove_suffix(1);
  return text;
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    out->push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

// Decodes the entity `name` (between '&' and ';'); false if it is not one we know.
bool AppendEntity(std::string_view name, std::string* out) {
  static constexpr std::pair<std::string_view, char> kNamed[] = {
      {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
  for (const auto& [entity, c] : kNamed) {
    if (name == entity) {
      out->push_back(c);
      return true;
    }
  }
  if (name.size() < 2 || name[0] != '#') return false;
  const bool hex = name[1] == 'x' || name[1] == 'X';
  const std::string_view digits = name.substr(hex ? 2 : 1);
  uint32_t code_point = 0;
  const auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), code_point, hex ? 16 : 10);
  const bool valid = ec == std::errc() && end == digits.data() + digits.size() && code_point != 0 &&
                     code_point <= 0x10FFFF && !(code_point >= 0xD800 && code_point <= 0xDFFF);
  if (!valid) return false;
  AppendUtf8(code_point, out);
  return true;
}

// Appends character data with its entities decoded; an '&' that starts no
// known entity is kept as written.
void AppendDecoded(std::string_view text, std::string* out) {
  constexpr size_t kLongestEntity = 10;  // "&#x10FFFF;"
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t amp = text.find('&', pos);
    out->append(text.substr(pos, amp - pos));
    if (amp == std::string_view::npos) return;
    const size_t semicolon = text.find(';', amp);
    if (semicolon != std::string_view::npos && semicolon - amp <= kLongestEntity &&
        AppendEntity(text.substr(amp + 1, semicolon - amp - 1), out)) {
      pos = semicolon + 1;
    } else {
      out->push_back('&');
      pos = amp + 1;
    }
  }
}

// The name of an element without its namespace prefix: "sm:loc" -> "loc".
std::string_view LocalName(std::string_view qualified) {
  const size_t colon = qualified.rfind(':');
  return colon == std::string_view::npos ? qualified : qualified.substr(colon + 1);
}

class XmlSitemapScanner {
 public:
  XmlSitemapScanner(std::string_view xml, SitemapEntries* entries) : xml_(xml), entries_(entries) {}

  Status Run() {
    while (pos_ < xml_.size() && !Full()) {
      const size_t lt = xml_.find('<', pos_);
      if (loc_target_ != nullptr) AppendDecoded(xml_.substr(pos_, lt - pos_), &loc_text_);
      if (lt == std::string_view::npos) break;
      const std::string_view rest = xml_.substr(lt);
      if (rest.starts_with("<!--")) {
        pos_ = SkipPast(lt, "-->");
      } else if (rest.starts_with("<![CDATA[")) {
        const size_t start = lt + 9;
        const size_t end = std::min(xml_.find("]]>", start), xml_.size());
        if (loc_target_ != nullptr) loc_text_.append(xml_.substr(start, end - start));
        pos_ = SkipPast(lt, "]]>");
      } else if (rest.starts_with("<?")) {
        pos_ = SkipPast(lt, "?>");
      } else if (rest.starts_with("<!")) {
        pos_ = SkipPast(lt, ">");  // DOCTYPE
      } else {
        const size_t gt = xml_.find('>', lt);
        if (gt == std::string_view::npos) break;
        GLEANER_RETURN_IF_ERROR(HandleTag(xml_.substr(lt + 1, gt - lt - 1)));
        pos_ = gt + 1;
      }
    }
    return Status::OK();
  }

 private:
  bool Full() const {
    return entries_->urls.size() + entries_->sitemaps.size() >= kMaxSitemapEntries;
  }

  size_t SkipPast(size_t from, std::string_view terminator) const {
    const size_t found = xml_.find(terminator, from);
    return found == std::string_view::npos ? xml_.size() : found + terminator.size();
  }

  // `inside` is what lies between '<' and '>'.
  Status HandleTag(std::string_view inside) {
    const bool closing = inside.starts_with('/');
    if (closing) inside.remove_prefix(1);
    const bool self_closing = inside.ends_with('/');
    const size_t name_end = std::min(inside.find_first_of(" \t\r\n/"), inside.size());
    const std::string_view name = LocalName(inside.substr(0, name_end));
    if (name.empty()) return Status::OK();
    if (closing) {
      Close(name);
    } else {
      GLEANER_RETURN_IF_ERROR(Open(name, self_closing));
    }
    return Status::OK();
  }

  Status Open(std::string_view name, bool self_closing) {
    if (!saw_root_) {
      saw_root_ = true;
      if (name != "urlset" && name != "sitemapindex") {
        return Status::InvalidArgument("not a sitemap: the root element is <" + std::string(name) +
                                       ">, not <urlset> or <sitemapindex>");
      }
    }
    // Only a <loc> directly inside <url> or <sitemap> counts: <image:loc> and
    // <video:loc> sit one level deeper, inside <image:image> or <video:video>.
    if (name == "loc" && !self_closing && !open_.empty()) {
      if (open_.back() == "url") loc_target_ = &entries_->urls;
      if (open_.back() == "sitemap") loc_target_ = &entries_->sitemaps;
      loc_text_.clear();
    }
    if (!self_closing && open_.size() < kMaxTrackedDepth) open_.push_back(name);
    return Status::OK();
  }

  // Closes the innermost open element of that name and any left unclosed in it.
  void Close(std::string_view name) {
    if (name == "loc" && loc_target_ != nullptr) {
      const std::string_view url = Trimmed(loc_text_);
      if (!url.empty()) loc_target_->emplace_back(url);
      loc_target_ = nullptr;
    }
    const auto open = std::find(open_.rbegin(), open_.rend(), name);
    if (open != open_.rend()) open_.erase(std::prev(open.base()), open_.end());
  }

  std::string_view xml_;
  SitemapEntries* entries_;
  size_t pos_ = 0;
  bool saw_root_ = false;
  std::vector<std::string_view> open_;              // local names of the open elements
  std::vector<std::string>* loc_target_ = nullptr;  // where the <loc> being read goes
  std::string loc_text_;
};

void ParsePlainText(std::string_view text, SitemapEntries* entries) {
  while (!text.empty() && entries->urls.size() < kMaxSitemapEntries) {
    const size_t end = text.find_first_of("\r\n");
    const std::string_view url = Trimmed(text.substr(0, end));
    if (!url.empty()) entries->urls.emplace_back(url);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

}  // namespace

Status ParseSitemap(std::string_view xml, SitemapEntries* entries) {
  *entries = SitemapEntries();
  if (xml.starts_with("\x1F\x8B")) {
    return Status::InvalidArgument("the sitemap is gzip-compressed; decompress it before parsing");
  }
  if (xml.starts_with("\xEF\xBB\xBF")) xml.remove_prefix(3);
  if (xml.size() > kMaxSitemapBytes) {
    xml = xml.substr(0, kMaxSitemapBytes);
    entries->truncated = true;
  }
  const std::string_view content = Trimmed(xml);
  if (!content.starts_with('<')) {
    ParsePlainText(content, entries);
  } else {
    GLEANER_RETURN_IF_ERROR(XmlSitemapScanner(content, entries).Run());
  }
  if (entries->urls.size() + entries->sitemaps.size() >= kMaxSitemapEntries) {
    entries->truncated = true;
  }
  return Status::OK();
}

}  // namespace gleaner::crawler
