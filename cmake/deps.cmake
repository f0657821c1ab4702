# Third-party dependencies, all from Debian 12 packages. Each is wrapped in a
# target named fd::<what> so modules link by intent, not by package quirks.
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(Boost 1.81 REQUIRED CONFIG COMPONENTS json)
find_package(simdjson REQUIRED)
find_package(spdlog REQUIRED)
find_package(tomlplusplus REQUIRED)
find_package(date REQUIRED)  # Howard Hinnant's date/tz, reads /usr/share/zoneinfo
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)

# CAF 0.17 ships no CMake config.
find_library(CAF_CORE_LIB caf_core REQUIRED)
find_library(CAF_IO_LIB caf_io REQUIRED)
add_library(fd_caf INTERFACE)
target_link_libraries(fd_caf INTERFACE ${CAF_CORE_LIB} ${CAF_IO_LIB} Threads::Threads)
add_library(fd::caf ALIAS fd_caf)

add_library(fd_beast INTERFACE)
target_link_libraries(fd_beast INTERFACE Boost::headers Boost::json OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
target_compile_definitions(fd_beast INTERFACE BOOST_ASIO_NO_DEPRECATED BOOST_BEAST_USE_STD_STRING_VIEW)
add_library(fd::beast ALIAS fd_beast)

add_library(fd_tz INTERFACE)
target_link_libraries(fd_tz INTERFACE date::date-tz)
add_library(fd::tz ALIAS fd_tz)

add_library(fd_json INTERFACE)
target_link_libraries(fd_json INTERFACE simdjson::simdjson Boost::json)
add_library(fd::json ALIAS fd_json)

if(FRONTDESK_TESTS)
  find_package(GTest REQUIRED)
endif()
if(FRONTDESK_BENCH)
  find_package(benchmark REQUIRED)
endif()
