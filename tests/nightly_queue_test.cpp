// The queue between the indexer's reader, workers and writer. Regression: when a consumer failed and closed
// its queue, push() kept accepting items without bound, so the reader went on loading the rest of the
// archive into memory before the failure was reported.
#define BOOST_TEST_MODULE nightly_queue
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/bounded_queue.h"

using gazette::BoundedQueue;

BOOST_AUTO_TEST_CASE(push_is_refused_once_closed) {
  BoundedQueue<int> q(4);
  BOOST_TEST(q.push(1));
  BOOST_TEST(q.push(2));
  q.close();
  BOOST_TEST(!q.push(3));
  // What was queued before close is still delivered, then the end.
  BOOST_TEST(*q.pop() == 1);
  BOOST_TEST(*q.pop() == 2);
  BOOST_TEST(!q.pop().has_value());
}

BOOST_AUTO_TEST_CASE(a_producer_blocked_on_a_full_queue_is_released_by_close) {
  BoundedQueue<int> q(2);
  BOOST_TEST(q.push(1));
  BOOST_TEST(q.push(2));
  std::atomic<int> result{-1};
  std::thread producer([&] { result = q.push(3) ? 1 : 0; });
  // The producer must be waiting for room, not have pushed past the capacity.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(result.load() == -1);
  q.close();  // the consumer gives up without popping
  producer.join();
  BOOST_TEST(result.load() == 0);
}

BOOST_AUTO_TEST_CASE(items_pass_in_order_between_threads) {
  BoundedQueue<int> q(3);
  constexpr int kItems = 1000;
  std::atomic<bool> refused{false};  // Boost.Test checks belong to the main thread
  std::thread producer([&] {
    for (int i = 0; i < kItems; ++i)
      if (!q.push(i)) refused = true;
    q.close();
  });
  int expected = 0;
  while (auto item = q.pop()) BOOST_REQUIRE(*item == expected++);
  producer.join();
  BOOST_TEST(!refused.load());
  BOOST_TEST(expected == kItems);
}
