#include "storage/hardware_class_repository.h"

#include "tests/storage/storage_test_base.h"
#include "tests/testing/status_matchers.h"

namespace jb::storage {
namespace {

using ::jb::testing::StatusIs;

class HardwareClassRepositoryTest : public testing::StorageTest {
 protected:
  absl::Status Prices(const std::string& name, std::optional<double> per_hour,
                      std::optional<double> per_kwh) {
    return db().Transact(
        [&](pqxx::work& w) { return SetHardwarePrices(w, name, per_hour, per_kwh); });
  }
  absl::Status Ensure(const std::string& name, const std::string& product, int count) {
    return db().Transact(
        [&](pqxx::work& w) { return EnsureHardwareClass(w, name, product, count); });
  }
  std::string Row(const std::string& name) {
    return Scalar(
        "SELECT concat_ws('|', gpu_product, gpu_count, "
        "coalesce(price_per_hour_usd::text, 'null'), "
        "coalesce(electricity_usd_per_kwh::text, 'null')) "
        "FROM hardware_classes WHERE name = '" +
        name + "'");
  }
};

TEST_F(HardwareClassRepositoryTest, PricesNotGivenKeepTheirStoredValues) {
  ASSERT_OK(Prices("h100x1", 2.49, std::nullopt));
  EXPECT_EQ(Row("h100x1"), "|0|2.49|null");
  ASSERT_OK(Prices("h100x1", std::nullopt, 0.12));
  EXPECT_EQ(Row("h100x1"), "|0|2.49|0.12");
  ASSERT_OK(Prices("h100x1", 3.0, std::nullopt));  // a corrected price replaces the old one
  EXPECT_EQ(Row("h100x1"), "|0|3|0.12");
}

TEST_F(HardwareClassRepositoryTest, AClassASweepCreatedIsDescribedByItsFirstWorker) {
  ASSERT_OK(Prices("h100x1", 2.49, 0.12));
  ASSERT_OK(Ensure("h100x1", "NVIDIA H100 80GB HBM3", 1));
  EXPECT_EQ(Row("h100x1"), "NVIDIA H100 80GB HBM3|1|2.49|0.12");
  ASSERT_OK(Ensure("h100x1", "NVIDIA L4", 2));  // described already: kept
  EXPECT_EQ(Row("h100x1"), "NVIDIA H100 80GB HBM3|1|2.49|0.12");
  AddWorker("node-1", {"m1"}, "h100x1");
  EXPECT_EQ(Scalar("SELECT count(*) FROM hardware_classes"), "1");
}

TEST_F(HardwareClassRepositoryTest, BadInputIsRefusedAndNothingWritten) {
  EXPECT_THAT(Prices("", 1.0, std::nullopt), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Prices("c", -1.0, std::nullopt),
              StatusIs(absl::StatusCode::kInvalidArgument, "price -1 is not a non-negative"));
  EXPECT_THAT(Ensure("", "x", 1), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(Scalar("SELECT count(*) FROM hardware_classes"), "0");
}

}  // namespace
}  // namespace jb::storage
