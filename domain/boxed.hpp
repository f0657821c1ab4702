#pragma once
// An optional value kept on the heap: 8 bytes where it is absent, for the parts of a
// long-lived object that most instances never fill (a draft's review, a conversation's last
// decision). Value semantics: copies copy the value, == compares values.

#include <memory>
#include <utility>

namespace frontdesk::domain {

template <class T>
class boxed {
 public:
  boxed() noexcept = default;
  boxed(T value) : p_(std::make_unique<T>(std::move(value))) {}
  boxed(const boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  boxed(boxed&&) noexcept = default;
  boxed& operator=(const boxed& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  boxed& operator=(boxed&&) noexcept = default;
  boxed& operator=(T value) {
    if (p_) {
      *p_ = std::move(value);
    } else {
      p_ = std::make_unique<T>(std::move(value));
    }
    return *this;
  }

  bool has_value() const noexcept { return p_ != nullptr; }
  explicit operator bool() const noexcept { return has_value(); }
  T& operator*() noexcept { return *p_; }
  const T& operator*() const noexcept { return *p_; }
  T* operator->() noexcept { return p_.get(); }
  const T* operator->() const noexcept { return p_.get(); }
  /// The value, created empty first when absent.
  T& get_or_create() {
    if (!p_) p_ = std::make_unique<T>();
    return *p_;
  }
  void reset() noexcept { p_.reset(); }

  friend bool operator==(const boxed& a, const boxed& b) {
    if (!a.p_ || !b.p_) return !a.p_ && !b.p_;
    return *a.p_ == *b.p_;
  }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace frontdesk::domain
