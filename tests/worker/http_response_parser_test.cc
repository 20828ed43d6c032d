#include "worker/inference/http_response_parser.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;

// Records what the parser delivers; checks body pieces are views into the fed bytes.
class Recorder : public HttpResponseParser::Handler {
 public:
  void OnHead(const HttpResponseHead& head) override {
    ++heads;
    this->head = head;
  }
  bool OnBody(absl::string_view data) override {
    EXPECT_FALSE(data.empty());
    EXPECT_TRUE(data.data() >= fed.data() && data.data() + data.size() <= fed.data() + fed.size())
        << "a body piece was copied";
    body.append(data.data(), data.size());
    ++pieces;
    return pieces < stop_after_pieces;
  }

  int heads = 0;
  HttpResponseHead head;
  std::string body;
  int pieces = 0;
  int stop_after_pieces = 1 << 30;
  absl::string_view fed;
};

struct Parsed {
  absl::Status status;
  Recorder recorder;
  bool complete = false;
  bool keep_alive = false;
  size_t consumed = 0;
};

// Feeds `input` in the pieces that `cuts` (ascending offsets) make, then EOF when `eof`.
Parsed ParseInPieces(absl::string_view input, const std::vector<size_t>& cuts, bool eof,
                     HttpResponseParser::Limits limits = {}) {
  Parsed out;
  HttpResponseParser parser(limits);
  size_t begin = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(input.size());
  for (size_t end : ends) {
    // Each piece lives in its own buffer, as each socket read would.
    const std::string piece(input.substr(begin, end - begin));
    out.recorder.fed = piece;
    absl::StatusOr<size_t> fed = parser.Feed(piece, out.recorder);
    if (!fed.ok()) {
      out.status = fed.status();
      return out;
    }
    out.consumed += *fed;
    begin = end;
    if (parser.complete()) break;
  }
  if (eof) out.status = parser.FinishAtEof();
  out.complete = parser.complete();
  out.keep_alive = parser.keep_alive();
  return out;
}

// Checks that `input` parses the same whole, split in two at every offset, and byte by byte.
void ExpectSameAtEverySplit(absl::string_view input, bool eof, int status, absl::string_view body,
                            bool keep_alive) {
  std::vector<std::vector<size_t>> splits = {{}};
  for (size_t cut = 0; cut <= input.size(); ++cut) splits.push_back({cut});
  std::vector<size_t> bytes;
  for (size_t cut = 1; cut < input.size(); ++cut) bytes.push_back(cut);
  splits.push_back(bytes);
  for (const std::vector<size_t>& cuts : splits) {
    SCOPED_TRACE(cuts.size() == 1 ? absl::StrCat("split at ", cuts[0])
                                  : absl::StrCat(cuts.size(), " cuts"));
    Parsed parsed = ParseInPieces(input, cuts, eof);
    ASSERT_OK(parsed.status);
    EXPECT_TRUE(parsed.complete);
    EXPECT_EQ(parsed.recorder.heads, 1);
    EXPECT_EQ(parsed.recorder.head.status, status);
    EXPECT_EQ(parsed.recorder.body, body);
    EXPECT_EQ(parsed.keep_alive, keep_alive);
    EXPECT_EQ(parsed.consumed, input.size());
  }
}

TEST(HttpResponseParserTest, ContentLengthBodyAtEverySplit) {
  ExpectSameAtEverySplit(
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
      /*eof=*/false, 200, "hello world", /*keep_alive=*/true);
}

TEST(HttpResponseParserTest, ChunkedBodyWithExtensionsAndTrailersAtEverySplit) {
  ExpectSameAtEverySplit(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n1 \r\n \r\nB\r\ndata: x\n\n12\r\n0\r\nX-Trailer: t\r\n\r\n",
      /*eof=*/false, 200, "hello data: x\n\n12", /*keep_alive=*/true);
}

TEST(HttpResponseParserTest, BodyUntilCloseAtEverySplit) {
  ExpectSameAtEverySplit("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
                         /*eof=*/true, 200, "until the end", /*keep_alive=*/false);
}

TEST(HttpResponseParserTest, BareLineFeedsAtEverySplit) {
  ExpectSameAtEverySplit("HTTP/1.1 200 OK\nContent-Length: 2\n\nok", /*eof=*/false, 200, "ok",
                         /*keep_alive=*/true);
  ExpectSameAtEverySplit("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nok\n0\n\n",
                         /*eof=*/false, 200, "ok", /*keep_alive=*/true);
}

TEST(HttpResponseParserTest, InterimResponsesAreSkippedAtEverySplit) {
  ExpectSameAtEverySplit(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\n!",
      /*eof=*/false, 201, "!", /*keep_alive=*/true);
}

TEST(HttpResponseParserTest, NoBodyStatusesIgnoreContentLength) {
  for (int status : {204, 304}) {
    SCOPED_TRACE(status);
    ExpectSameAtEverySplit(absl::StrCat("HTTP/1.1 ", status, " X\r\nContent-Length: 10\r\n\r\n"),
                           /*eof=*/false, status, "", /*keep_alive=*/true);
  }
  ExpectSameAtEverySplit("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, 200, "", true);
}

TEST(HttpResponseParserTest, HeadersAreLowerCasedTrimmedAndUnfolded) {
  Parsed parsed = ParseInPieces(
      "HTTP/1.1 429 Too Many Requests\r\nRetry-After:   7  \r\nX-Long: one\r\n  two \r\n\tthree\r\n"
      "Content-Length: 0\r\n\r\n",
      {}, false);
  ASSERT_OK(parsed.status);
  const HttpResponseHead& head = parsed.recorder.head;
  EXPECT_EQ(head.status, 429);
  EXPECT_THAT(head.headers, ElementsAre(Field(&HttpHeader::name, "retry-after"),
                                        Field(&HttpHeader::name, "x-long"),
                                        Field(&HttpHeader::name, "content-length")));
  EXPECT_EQ(head.Header("retry-after"), "7");
  EXPECT_EQ(head.Header("x-long"), "one two three");
  EXPECT_EQ(head.Header("absent"), "");
}

TEST(HttpResponseParserTest, KeepAliveFollowsVersionAndConnectionHeader) {
  struct Case {
    const char* head;
    bool keep_alive;
  };
  const Case cases[] = {
      {"HTTP/1.1 200 OK\r\n", true},
      {"HTTP/1.1 200 OK\r\nConnection: close\r\n", false},
      {"HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\n", false},
      {"HTTP/1.0 200 OK\r\n", false},
      {"HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\n", true},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.head);
    const bool chunked = absl::string_view(c.head).find("chunked") != absl::string_view::npos;
    Parsed parsed = ParseInPieces(
        absl::StrCat(c.head, chunked ? "\r\n1\r\nx\r\n0\r\n\r\n" : "Content-Length: 1\r\n\r\nx"),
        {}, false);
    ASSERT_OK(parsed.status);
    EXPECT_TRUE(parsed.complete);
    EXPECT_EQ(parsed.keep_alive, c.keep_alive);
  }
}

TEST(HttpResponseParserTest, StopsAtTheEndOfTheResponseAndStartsAgainAfterReset) {
  const std::string two =
      "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 NF\r\nContent-Length: 1\r\n\r\nb";
  HttpResponseParser parser;
  Recorder recorder;
  recorder.fed = two;
  ASSERT_OK_AND_ASSIGN(size_t consumed, parser.Feed(two, recorder));
  EXPECT_EQ(consumed, two.find("HTTP", 1));
  EXPECT_TRUE(parser.complete());
  parser.Reset();
  EXPECT_FALSE(parser.started());
  const absl::string_view second = absl::string_view(two).substr(consumed);
  ASSERT_OK_AND_ASSIGN(size_t rest, parser.Feed(second, recorder));
  EXPECT_EQ(rest, second.size());
  EXPECT_EQ(recorder.head.status, 404);
  EXPECT_EQ(recorder.body, "ab");
}

TEST(HttpResponseParserTest, HandlerStopsTheParser) {
  const std::string input =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n1\r\nb\r\n";
  HttpResponseParser parser;
  Recorder recorder;
  recorder.stop_after_pieces = 1;
  recorder.fed = input;
  ASSERT_OK_AND_ASSIGN(size_t consumed, parser.Feed(input, recorder));
  EXPECT_EQ(recorder.body, "a");
  EXPECT_EQ(consumed, input.find("a\r\n") + 1);
  EXPECT_FALSE(parser.complete());
}

TEST(HttpResponseParserTest, MalformedResponsesAreInternalErrors) {
  const std::pair<const char*, const char*> cases[] = {
      {"HTTP/2 200 OK\r\n\r\n", "bad status line"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "bad status code"},
      {"ICY 200 OK\r\n\r\n", "bad status line"},
      {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", "bad header field name"},
      {"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", "without a name"},
      {"HTTP/1.1 200 OK\r\n folded first\r\n\r\n", "folded line"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n", "bad Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", "conflicting"},
      {"HTTP/1.1 101 Switching Protocols\r\n\r\n", "protocol switch"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "bad chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n", "bad chunk size"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n", "too large"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY", "no CRLF"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\rX", "no CRLF"},
  };
  for (const auto& [input, message] : cases) {
    SCOPED_TRACE(input);
    EXPECT_THAT(ParseInPieces(input, {}, false).status,
                StatusIs(absl::StatusCode::kInternal, message));
    // Split byte by byte, the same error.
    std::vector<size_t> cuts;
    for (size_t cut = 1; cut < absl::string_view(input).size(); ++cut) cuts.push_back(cut);
    EXPECT_THAT(ParseInPieces(input, cuts, false).status,
                StatusIs(absl::StatusCode::kInternal, message));
  }
}

TEST(HttpResponseParserTest, AfterAnErrorTheParserStaysFailed) {
  HttpResponseParser parser;
  Recorder recorder;
  EXPECT_THAT(parser.Feed("nonsense\r\n", recorder), StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(parser.Feed("HTTP/1.1 200 OK\r\n\r\n", recorder),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(parser.FinishAtEof(), StatusIs(absl::StatusCode::kInternal));
}

TEST(HttpResponseParserTest, HeadAndBodyLimitsAreOutOfRange) {
  const HttpResponseParser::Limits small = {.max_head_bytes = 64, .max_body_bytes = 10};
  const std::string big_header =
      absl::StrCat("HTTP/1.1 200 OK\r\nX: ", std::string(60, 'v'), "\r\nContent-Length: 0\r\n\r\n");
  EXPECT_THAT(ParseInPieces(big_header, {}, false, small).status,
              StatusIs(absl::StatusCode::kOutOfRange, "exceeds 64 bytes"));
  EXPECT_THAT(ParseInPieces(big_header, {20, 30, 40}, false, small).status,
              StatusIs(absl::StatusCode::kOutOfRange));
  // Exactly at the limits is fine.
  EXPECT_OK(
      ParseInPieces("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789", {}, false, small)
          .status);
  EXPECT_THAT(
      ParseInPieces("HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", {}, false, small).status,
      StatusIs(absl::StatusCode::kOutOfRange, "11 bytes exceeds the limit of 10"));
  EXPECT_THAT(ParseInPieces("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "6\r\n012345\r\n5\r\n01234\r\n0\r\n\r\n",
                            {}, false, small)
                  .status,
              StatusIs(absl::StatusCode::kOutOfRange, "limit of 10 bytes"));
  EXPECT_THAT(ParseInPieces("HTTP/1.1 200 OK\r\n\r\n01234567890", {5}, true, small).status,
              StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(HttpResponseParserTest, EndOfFileBeforeTheEndIsUnavailable) {
  HttpResponseParser parser;
  EXPECT_THAT(parser.FinishAtEof(), StatusIs(absl::StatusCode::kUnavailable, "before responding"));
  EXPECT_THAT(ParseInPieces("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab", {}, true).status,
              StatusIs(absl::StatusCode::kUnavailable, "mid-response (after 2 body bytes)"));
  EXPECT_THAT(
      ParseInPieces("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n", {}, true)
          .status,
      StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(ParseInPieces("HTTP/1.1 200 OK\r\nContent-", {}, true).status,
              StatusIs(absl::StatusCode::kUnavailable, "mid-response"));
}

}  // namespace
}  // namespace jb::worker
