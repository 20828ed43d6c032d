// SseParser: the events of realistic streams, identical however the bytes are split (at every
// position, and byte by byte), line endings, comments, cut streams, limits and stopping.
#include "worker/inference/sse_parser.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace jb::worker {
namespace {

using ::jb::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// An event copied out of the callback (its views die with the call).
struct Event {
  std::string type;
  std::string data;
  bool operator==(const Event& other) const { return type == other.type && data == other.data; }
};

void PrintTo(const Event& event, std::ostream* os) {
  *os << "{type=\"" << event.type << "\", data=\"" << event.data << "\"}";
}

Event Data(std::string data) { return Event{"", std::move(data)}; }

// Feeds `pieces` in order and returns the events; a Feed error fails the test.
std::vector<Event> Parse(SseParser& parser, const std::vector<absl::string_view>& pieces) {
  std::vector<Event> events;
  for (absl::string_view piece : pieces) {
    EXPECT_OK(parser.Feed(piece, [&](const SseEvent& event) {
      events.push_back(Event{std::string(event.type), std::string(event.data)});
      return true;
    }));
  }
  return events;
}

std::vector<Event> ParseWhole(absl::string_view stream) {
  SseParser parser;
  return Parse(parser, {stream});
}

// Asserts that every way of splitting `stream` gives the events of the whole.
void ExpectSplitInvariant(absl::string_view stream) {
  const std::vector<Event> whole = ParseWhole(stream);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    SseParser parser;
    EXPECT_EQ(Parse(parser, {stream.substr(0, cut), stream.substr(cut)}), whole)
        << "split at byte " << cut << " of:\n"
        << stream;
  }
  SseParser parser;
  std::vector<absl::string_view> bytes;
  for (size_t i = 0; i < stream.size(); ++i) bytes.push_back(stream.substr(i, 1));
  EXPECT_EQ(Parse(parser, bytes), whole) << "byte by byte:\n" << stream;
}

// vLLM's chat stream with include_usage: a role chunk, content chunks, the finish chunk, the
// usage-only chunk, [DONE].
constexpr char kVllmChatStream[] =
    "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
    "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}],"
    "\"usage\":null}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The\"},\"finish_reason\":null}],"
    "\"usage\":null}\n\n"
    "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" answer\"},"
    "\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
    "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,"
    "\"total_tokens\":14}}\n\n"
    "data: [DONE]\n\n";

TEST(SseParserTest, VllmChatStreamGivesOneEventPerDataLine) {
  const std::vector<Event> events = ParseWhole(kVllmChatStream);
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[1], Data("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The\"},"
                            "\"finish_reason\":null}],\"usage\":null}"));
  EXPECT_EQ(events[4], Data("[DONE]"));
  ExpectSplitInvariant(kVllmChatStream);
}

TEST(SseParserTest, CommentsAreIgnored) {
  constexpr char kStream[] = ": ping\n\ndata: a\n: keep-alive inside an event\n\n:\n\ndata: b\n\n";
  EXPECT_THAT(ParseWhole(kStream), ElementsAre(Data("a"), Data("b")));
  ExpectSplitInvariant(kStream);
}

TEST(SseParserTest, CrLfAndLoneCrEndLinesLikeLf) {
  constexpr char kCrLf[] = "data: a\r\n\r\ndata: b\r\ndata: c\r\n\r\ndata: [DONE]\r\n\r\n";
  constexpr char kCr[] = "data: a\r\rdata: b\rdata: c\r\rdata: [DONE]\r\r";
  constexpr char kMixed[] = "data: a\r\n\rdata: b\ndata: c\r\r\ndata: [DONE]\n\r\n";
  for (const char* stream : {kCrLf, kCr, kMixed}) {
    EXPECT_THAT(ParseWhole(stream), ElementsAre(Data("a"), Data("b\nc"), Data("[DONE]"))) << stream;
    ExpectSplitInvariant(stream);
  }
}

TEST(SseParserTest, DataLinesOfOneEventAreJoinedWithNewlines) {
  constexpr char kStream[] = "data: {\"a\":\ndata:  1}\ndata\ndata:x\n\n";
  // "data:  1" keeps the second space; "data" alone is an empty line of data.
  EXPECT_THAT(ParseWhole(kStream), ElementsAre(Data("{\"a\":\n 1}\n\nx")));
  ExpectSplitInvariant(kStream);
}

TEST(SseParserTest, EventFieldSetsTheTypeOfOneEvent) {
  constexpr char kStream[] =
      "event: error\ndata: {\"message\":\"x\"}\n\ndata: next\n\n"
      "event: lonely\n\nid: 7\nretry: 100\ndata: last\n\n";
  // The type resets after each dispatch, and an event without data dispatches nothing; id and
  // retry are ignored.
  EXPECT_THAT(ParseWhole(kStream),
              ElementsAre(Event{"error", "{\"message\":\"x\"}"}, Data("next"), Data("last")));
  ExpectSplitInvariant(kStream);
}

TEST(SseParserTest, MidStreamErrorEventIsAnOrdinaryDataEvent) {
  constexpr char kStream[] =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"The\"}}]}\n\n"
      "data: {\"error\":{\"message\":\"engine died\",\"type\":\"InternalServerError\","
      "\"code\":500}}\n\n"
      "data: [DONE]\n\n";
  const std::vector<Event> events = ParseWhole(kStream);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1], Data("{\"error\":{\"message\":\"engine died\",\"type\":"
                            "\"InternalServerError\",\"code\":500}}"));
  ExpectSplitInvariant(kStream);
}

TEST(SseParserTest, BlankLinesWithoutDataDispatchNothing) {
  EXPECT_THAT(ParseWhole("\n\n\r\n\r\r"), IsEmpty());
  EXPECT_THAT(ParseWhole("data:\n\n"), ElementsAre(Data("")));  // one empty data line is data
}

TEST(SseParserTest, HasPartialEventAfterACutStream) {
  struct Case {
    const char* stream;
    bool partial;
  };
  for (const Case& c :
       {Case{"data: {\"cho", true}, Case{"data: x\n", true}, Case{"data: x\n\n", false},
        Case{": ping", true}, Case{": ping\n", false}, Case{"data: x\r\r", false},
        Case{"event: error\n", true}, Case{"", false}, Case{"\r", false}}) {
    SseParser parser;
    Parse(parser, {c.stream});
    EXPECT_EQ(parser.HasPartialEvent(), c.partial) << c.stream;
  }
}

TEST(SseParserTest, ResetForgetsThePartialEvent) {
  SseParser parser;
  Parse(parser, {"data: first attempt\ndata: cut"});
  ASSERT_TRUE(parser.HasPartialEvent());
  parser.Reset();
  EXPECT_FALSE(parser.HasPartialEvent());
  EXPECT_THAT(Parse(parser, {"data: second\n\n"}), ElementsAre(Data("second")));
}

TEST(SseParserTest, ResetForgetsAPendingCarriageReturn) {
  SseParser parser;
  Parse(parser, {"data: a\r"});
  parser.Reset();
  // Without the reset, this "\n" would complete the "\r\n" and not end an (empty) line.
  EXPECT_THAT(Parse(parser, {"data: b\n", "\n"}), ElementsAre(Data("b")));
}

TEST(SseParserTest, ALineLongerThanTheLimitIsOutOfRangeUntilReset) {
  SseParser parser(/*max_line_bytes=*/16);
  EXPECT_THAT(Parse(parser, {"data: 0123456789\n\n"}), ElementsAre(Data("0123456789")));
  auto ignore = [](const SseEvent&) { return true; };
  EXPECT_THAT(parser.Feed("data: 01234567890\n\n", ignore),
              StatusIs(absl::StatusCode::kOutOfRange, "longer than 16 bytes"));
  EXPECT_THAT(parser.Feed("data: ok\n\n", ignore), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_TRUE(parser.HasPartialEvent());  // the long line's event was lost
  parser.Reset();
  EXPECT_FALSE(parser.HasPartialEvent());
  EXPECT_THAT(Parse(parser, {"data: ok\n\n"}), ElementsAre(Data("ok")));
}

TEST(SseParserTest, TheLimitHoldsForLinesSplitAcrossFeeds) {
  SseParser parser(/*max_line_bytes=*/16);
  auto ignore = [](const SseEvent&) { return true; };
  EXPECT_OK(parser.Feed("data: 01234", ignore));
  EXPECT_OK(parser.Feed("56789", ignore));
  EXPECT_THAT(parser.Feed("0", ignore), StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_TRUE(parser.HasPartialEvent());
}

TEST(SseParserTest, TheLimitHoldsForTheJoinedDataOfOneEvent) {
  SseParser parser(/*max_line_bytes=*/16);
  auto ignore = [](const SseEvent&) { return true; };
  EXPECT_OK(parser.Feed("data: 01234567\n", ignore));
  EXPECT_THAT(parser.Feed("data: 01234567\n", ignore), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(SseParserTest, ReturningFalseStopsAtOnceAndDropsTheRest) {
  SseParser parser;
  std::vector<std::string> seen;
  EXPECT_OK(parser.Feed("data: a\n\ndata: [DONE]\n\ndata: after\n\n", [&](const SseEvent& e) {
    seen.emplace_back(e.data);
    return e.data != "[DONE]";
  }));
  EXPECT_THAT(seen, ElementsAre("a", "[DONE]"));
  EXPECT_FALSE(parser.HasPartialEvent());
}

}  // namespace
}  // namespace jb::worker
