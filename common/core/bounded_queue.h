#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>

namespace gazette {

// A blocking queue with a capacity, so a fast reader can't pile up the whole archive in memory while the
// writer catches up. close() wakes everyone; pop() then drains what is left and returns nullopt, and push()
// refuses more.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(std::size_t capacity) : capacity_(capacity) {}

  // False, and the item dropped, once the queue is closed: the other side has stopped (a worker or the
  // writer failed), so the producer should stop too instead of filling memory nobody will read.
  [[nodiscard]] bool push(T item) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }

  std::optional<T> pop() {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable not_empty_, not_full_;
  std::deque<T> items_;
  bool closed_ = false;
};

}  // namespace gazette
